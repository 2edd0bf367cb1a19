using System.Buffers.Binary;
using System.Text;

namespace RqVae.Datasets.MovieLens.Tests.Support;

/// <summary>
/// Writes R's XDR serialization (the bytes of <c>serialize(x, NULL, xdr = TRUE)</c>) by hand, so the
/// reader can be tested on exact, small inputs without R or downloaded data. Every number is a
/// big-endian 32-bit word or 64-bit double; every object starts with a flags word:
/// bits 0–7 the SEXP type, bit 8 "is an object" (has a class), bit 9 "has attributes", bit 10 "has a
/// tag", bits 12–27 the "levels" (for strings: the encoding marks).
/// </summary>
internal sealed class RXdrWriter
{
    public const int NilValueSxp = 254, SymSxp = 1, ListSxp = 2, EnvSxp = 4, CharSxp = 9, LglSxp = 10, IntSxp = 13, RealSxp = 14,
        CplxSxp = 15, StrSxp = 16, VecSxp = 19, RawSxp = 24, AltRepSxp = 238, GlobalEnvSxp = 253, RefSxp = 255;

    /// <summary>Encoding marks of a CHARSXP.</summary>
    public const int Latin1Mark = 1 << 2, Utf8Mark = 1 << 3, AsciiMark = 1 << 6;

    /// <summary>R's NA_integer_.</summary>
    public const int NaInteger = int.MinValue;

    /// <summary>R's NA_real_: a NaN whose low word is 1954.</summary>
    public static readonly double NaReal = BitConverter.Int64BitsToDouble(0x7FF00000_000007A2);

    private readonly MemoryStream bytes = new();

    // R writes each symbol once and refers back to it afterwards (REFSXP with its 1-based index).
    private readonly Dictionary<string, int> symbols = new(StringComparer.Ordinal);
    private int referenceCount;

    /// <summary>A stream: header ("X\n", version, R 4.3.1 wrote it, R 3.5.0 can read it, native encoding), then <paramref name="body"/>.</summary>
    public static byte[] Serialize(Action<RXdrWriter> body, int version = 3, string nativeEncoding = "UTF-8")
    {
        var writer = new RXdrWriter();
        writer.bytes.Write("X\n"u8);
        writer.Int(version);
        writer.Int(0x040301);
        writer.Int(0x030500);
        if (version == 3)
        {
            writer.Int(nativeEncoding.Length);
            writer.bytes.Write(Encoding.ASCII.GetBytes(nativeEncoding));
        }
        body(writer);
        return writer.bytes.ToArray();
    }

    public static int Flags(int type, bool isObject = false, bool hasAttributes = false, bool hasTag = false, int levels = 0)
        => type | (isObject ? 1 << 8 : 0) | (hasAttributes ? 1 << 9 : 0) | (hasTag ? 1 << 10 : 0) | (levels << 12);

    public RXdrWriter Int(int value)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, value);
        bytes.Write(word);
        return this;
    }

    public RXdrWriter Double(double value)
    {
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(word, value);
        bytes.Write(word);
        return this;
    }

    public RXdrWriter Raw(ReadOnlySpan<byte> data)
    {
        bytes.Write(data);
        return this;
    }

    public RXdrWriter Null() => Int(NilValueSxp);

    /// <summary>One CHARSXP: UTF-8 marked unless ASCII (as R does), or NA_STRING (length −1).</summary>
    public RXdrWriter Character(string? value)
    {
        if (value is null) return Int(Flags(CharSxp)).Int(-1);
        var utf8 = Encoding.UTF8.GetBytes(value);
        var mark = value.All(char.IsAscii) ? AsciiMark : Utf8Mark;
        return Int(Flags(CharSxp, levels: mark)).Int(utf8.Length).Raw(utf8);
    }

    /// <summary>A CHARSXP with explicit marks and bytes, for encodings other than UTF-8.</summary>
    public RXdrWriter Character(int marks, byte[] encoded) => Int(Flags(CharSxp, levels: marks)).Int(encoded.Length).Raw(encoded);

    public RXdrWriter Symbol(string name)
    {
        if (symbols.TryGetValue(name, out var index)) return Int(RefSxp | (index << 8));
        symbols[name] = ++referenceCount;
        return Int(SymSxp).Character(name);
    }

    /// <summary>The attribute pairlist: one tagged LISTSXP cell per attribute, ended by NULL.</summary>
    public RXdrWriter Attributes(params (string Name, Action<RXdrWriter> Value)[] attributes)
    {
        foreach (var (name, value) in attributes)
        {
            Int(Flags(ListSxp, hasTag: true));
            Symbol(name);
            value(this);
        }
        return Null();
    }

    public RXdrWriter Ints(int[] values, bool logical = false, params (string Name, Action<RXdrWriter> Value)[] attributes)
    {
        Int(Flags(logical ? LglSxp : IntSxp, isObject: attributes.Any(a => a.Name == "class"), hasAttributes: attributes.Length > 0));
        Int(values.Length);
        foreach (var value in values) Int(value);
        return attributes.Length > 0 ? Attributes(attributes) : this;
    }

    public RXdrWriter Doubles(double[] values, params (string Name, Action<RXdrWriter> Value)[] attributes)
    {
        Int(Flags(RealSxp, hasAttributes: attributes.Length > 0));
        Int(values.Length);
        foreach (var value in values) Double(value);
        return attributes.Length > 0 ? Attributes(attributes) : this;
    }

    public RXdrWriter Strings(string?[] values, params (string Name, Action<RXdrWriter> Value)[] attributes)
    {
        Int(Flags(StrSxp, hasAttributes: attributes.Length > 0));
        Int(values.Length);
        foreach (var value in values) Character(value);
        return attributes.Length > 0 ? Attributes(attributes) : this;
    }

    /// <summary>A factor: 1-based integer codes with "levels" and class "factor" attributes.</summary>
    public RXdrWriter Factor(int[] codes, string[] levels)
        => Ints(codes, false, ("levels", w => w.Strings(levels)), ("class", w => w.Strings(["factor"])));

    /// <summary>A list (VECSXP), named when <paramref name="names"/> is given.</summary>
    public RXdrWriter List(Action<RXdrWriter>[] items, string[]? names = null, params (string Name, Action<RXdrWriter> Value)[] more)
    {
        (string, Action<RXdrWriter>)[] attributes = names is null ? more : [("names", w => w.Strings(names)), .. more];
        Int(Flags(VecSxp, isObject: attributes.Any(a => a.Item1 == "class"), hasAttributes: attributes.Length > 0));
        Int(items.Length);
        foreach (var item in items) item(this);
        return attributes.Length > 0 ? Attributes(attributes) : this;
    }

    /// <summary>
    /// A data.frame as R writes it: a named list of equal-length columns, with class "data.frame" and the
    /// compact row names c(NA_integer_, −rows) that stand for 1:rows.
    /// </summary>
    public RXdrWriter DataFrame(int rows, params (string Name, Action<RXdrWriter> Column)[] columns)
        => List([.. columns.Select(c => c.Column)], [.. columns.Select(c => c.Name)],
            ("class", w => w.Strings(["data.frame"])),
            ("row.names", w => w.Ints([NaInteger, -rows])));
}
