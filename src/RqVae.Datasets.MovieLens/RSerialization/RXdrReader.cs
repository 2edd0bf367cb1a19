using System.Buffers.Binary;
using System.Text;
using RqVae.Data.Errors;

namespace RqVae.Datasets.MovieLens.RSerialization;

/// <summary>
/// Reads R's XDR serialization format (versions 2 and 3), the format behind <c>saveRDS</c> and the
/// lazy-load databases of R packages. Written by hand because no maintained .NET library reads it;
/// it covers what data sets need (vectors, lists, pairlists, attributes, factors, references, the
/// common ALTREP compact sequences and wrappers) and rejects the rest with a clear error.
/// Every length is checked against the bytes left before anything is allocated.
/// </summary>
internal sealed class RXdrReader
{
    private const int MaxNesting = 1000; // far deeper than any data set, far shallower than the stack

    // SEXP type codes (R internals, serialize.c).
    private const int NilSxp = 0, SymSxp = 1, ListSxp = 2, CloSxp = 3, EnvSxp = 4, PromSxp = 5, LangSxp = 6,
        SpecialSxp = 7, BuiltinSxp = 8, CharSxp = 9, LglSxp = 10, IntSxp = 13, RealSxp = 14, CplxSxp = 15,
        StrSxp = 16, DotSxp = 17, VecSxp = 19, ExprSxp = 20, ExtPtrSxp = 22, WeakRefSxp = 23, RawSxp = 24, S4Sxp = 25;
    private const int AltRepSxp = 238, AttrListSxp = 239, AttrLangSxp = 240, BaseEnvSxp = 241, EmptyEnvSxp = 242,
        GenericRefSxp = 245, ClassRefSxp = 246, PersistSxp = 247, PackageSxp = 248, NamespaceSxp = 249,
        BaseNamespaceSxp = 250, MissingArgSxp = 251, UnboundValueSxp = 252, GlobalEnvSxp = 253, NilValueSxp = 254, RefSxp = 255;

    // CHARSXP encoding flags, in the "levels" part of the flags word.
    private const int BytesMask = 1 << 1, Latin1Mask = 1 << 2, Utf8Mask = 1 << 3, AsciiMask = 1 << 6;

    private readonly byte[] data;
    private readonly string source;
    private readonly List<RObject> references = [];
    private Encoding nativeEncoding = Encoding.UTF8;
    private int position;
    private int depth;

    private RXdrReader(byte[] data, string source)
    {
        this.data = data;
        this.source = source;
    }

    /// <summary>Deserializes one object from a complete serialization stream (header included).</summary>
    /// <param name="data">The uncompressed bytes.</param>
    /// <param name="source">Names the origin in error messages (file and object).</param>
    public static RObject Deserialize(byte[] data, string source)
    {
        var reader = new RXdrReader(data, source);
        reader.ReadHeader();
        return reader.ReadItem();
    }

    private DataFormatException Error(string problem)
        => new($"R serialization: {problem} at byte {position}", source,
            remedy: "The R data file is damaged or of an unsupported kind; delete the cached copy so it is fetched again.");

    private void ReadHeader()
    {
        if (data.Length < 2 || data[0] != (byte)'X' || data[1] != (byte)'\n')
            throw Error("not an XDR serialization (expected 'X\\n')");
        position = 2;
        var version = ReadInt();
        ReadInt(); // R version that wrote it
        ReadInt(); // minimal R version to read it
        if (version == 3)
        {
            var length = ReadInt();
            var name = Encoding.ASCII.GetString(ReadBytes(length));
            nativeEncoding = name.Equals("latin1", StringComparison.OrdinalIgnoreCase) || name.StartsWith("ISO-8859-1", StringComparison.OrdinalIgnoreCase)
                ? Encoding.Latin1 : Encoding.UTF8;
        }
        else if (version != 2)
        {
            throw Error($"unsupported serialization version {version}");
        }
    }

    private int Remaining => data.Length - position;

    private int ReadInt()
    {
        if (Remaining < 4) throw Error("unexpected end of data");
        var value = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(position, 4));
        position += 4;
        return value;
    }

    private double ReadDouble()
    {
        if (Remaining < 8) throw Error("unexpected end of data");
        var value = BinaryPrimitives.ReadDoubleBigEndian(data.AsSpan(position, 8));
        position += 8;
        return value;
    }

    private ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > Remaining) throw Error($"length {count} exceeds the {Remaining} bytes left");
        var span = data.AsSpan(position, count);
        position += count;
        return span;
    }

    /// <summary>Reads a vector length (long vectors use -1 then two words) and checks it fits in what is left.</summary>
    private int ReadLength(int bytesPerElement)
    {
        long length = ReadInt();
        if (length == -1)
        {
            long upper = (uint)ReadInt(), lower = (uint)ReadInt();
            length = (upper << 32) | lower;
        }
        if (length < 0) throw Error($"negative length {length}");
        // Divide rather than multiply: a long-vector length times the element size can wrap round to a small number.
        if (length > Remaining / bytesPerElement)
            throw Error($"claimed length {length} needs more than the {Remaining} bytes left");
        return (int)length;
    }

    private RObject ReadItem() => ReadItem(ReadInt());

    private RObject ReadItem(int flags)
    {
        if (++depth > MaxNesting) throw Error($"objects nested deeper than {MaxNesting} levels");
        try
        {
            return ReadItemCore(flags);
        }
        finally
        {
            depth--;
        }
    }

    private RObject ReadItemCore(int flags)
    {
        var type = flags & 0xFF;
        var levels = flags >> 12;
        var hasAttributes = (flags & (1 << 9)) != 0;
        var hasTag = (flags & (1 << 10)) != 0;

        switch (type)
        {
            case NilValueSxp:
                return RNull.Instance;
            case EmptyEnvSxp or BaseEnvSxp or GlobalEnvSxp or UnboundValueSxp or MissingArgSxp or BaseNamespaceSxp:
                return new ROpaque(type);
            case RefSxp:
            {
                var index = flags >> 8;
                if (index == 0) index = ReadInt();
                if (index < 1 || index > references.Count) throw Error($"reference {index} to an object not yet read");
                return references[index - 1];
            }
            case PersistSxp or NamespaceSxp or PackageSxp:
            {
                ReadStringVectorBody();
                var opaque = new ROpaque(type);
                references.Add(opaque);
                return opaque;
            }
            case SymSxp:
            {
                var name = ReadItem() is RCharacter c ? c.Value ?? "NA" : throw Error("symbol name is not a string");
                var symbol = new RSymbol(name);
                references.Add(symbol);
                return symbol;
            }
            case EnvSxp:
            {
                ReadInt(); // locked
                var environment = new ROpaque(EnvSxp);
                references.Add(environment); // before its contents, which may refer back to it
                ReadItem(); // enclosing environment
                ReadItem(); // frame
                ReadItem(); // hash table
                ReadItem(); // attributes
                return environment;
            }
            case ListSxp or LangSxp or CloSxp or PromSxp or DotSxp or AttrLangSxp or AttrListSxp:
                return ReadPairList(flags);
            case ExtPtrSxp:
            {
                var pointer = new ROpaque(type);
                references.Add(pointer);
                ReadItem(); // protected value
                ReadItem(); // tag
                return WithAttributes(pointer, hasAttributes);
            }
            case WeakRefSxp:
            {
                var weak = new ROpaque(type);
                references.Add(weak);
                return WithAttributes(weak, hasAttributes);
            }
            case SpecialSxp or BuiltinSxp:
                ReadBytes(ReadInt());
                return new ROpaque(type);
            case CharSxp:
                return ReadCharacter(levels);
            case LglSxp or IntSxp:
            {
                var values = new int[ReadLength(4)];
                for (var i = 0; i < values.Length; i++) values[i] = ReadInt();
                return WithAttributes(new RIntVector(values, type == LglSxp), hasAttributes);
            }
            case RealSxp or CplxSxp:
            {
                var perValue = type == CplxSxp ? 2 : 1;
                var values = new double[(long)ReadLength(8 * perValue) * perValue];
                for (var i = 0; i < values.Length; i++) values[i] = ReadDouble();
                return WithAttributes(new RRealVector(values), hasAttributes);
            }
            case StrSxp:
            {
                var values = new string?[ReadLength(4)];
                for (var i = 0; i < values.Length; i++)
                    values[i] = ReadItem() is RCharacter c ? c.Value : throw Error("character vector element is not a string");
                return WithAttributes(new RStringVector(values), hasAttributes);
            }
            case VecSxp or ExprSxp:
            {
                var items = new RObject[ReadLength(4)];
                for (var i = 0; i < items.Length; i++) items[i] = ReadItem();
                return WithAttributes(new RList(items), hasAttributes);
            }
            case RawSxp:
                return WithAttributes(new RRawVector(ReadBytes(ReadLength(1)).ToArray()), hasAttributes);
            case S4Sxp:
                return WithAttributes(new ROpaque(S4Sxp), hasAttributes);
            case AltRepSxp:
                return ReadAltRep();
            case NilSxp:
                return RNull.Instance;
            case ClassRefSxp or GenericRefSxp:
            default:
                throw Error($"unsupported object type {type}");
        }
    }

    private RObject WithAttributes(RObject target, bool hasAttributes)
    {
        if (hasAttributes) target.Attributes = ToAttributes(ReadItem());
        return target;
    }

    private List<KeyValuePair<string, RObject>> ToAttributes(RObject attributes)
    {
        if (attributes is RNull) return [];
        if (attributes is not RPairList list) throw Error("attributes are not a pairlist");
        var result = new List<KeyValuePair<string, RObject>>(list.Cells.Count);
        foreach (var (tag, value) in list.Cells)
            result.Add(new((tag as RSymbol)?.Name ?? "", value));
        return result;
    }

    /// <summary>Reads a chain of pairlist cells iteratively (not recursively along CDR), since lists can be long.</summary>
    private RObject ReadPairList(int flags)
    {
        var cells = new List<KeyValuePair<RObject?, RObject>>();
        RObject? firstAttributes = null;
        var first = true;
        while (true)
        {
            var hasAttributes = (flags & (1 << 9)) != 0;
            var hasTag = (flags & (1 << 10)) != 0;
            var attributes = hasAttributes ? ReadItem() : null;
            var tag = hasTag ? ReadItem() : null;
            var car = ReadItem();
            cells.Add(new(tag, car));
            if (first) firstAttributes = attributes;
            first = false;

            var next = ReadInt();
            if ((next & 0xFF) is ListSxp or AttrListSxp)
            {
                flags = next;
                continue;
            }
            var tail = ReadItem(next);
            if (tail is not RNull) cells.Add(new(null, tail)); // a dotted tail (closure body, promise value, ...)
            break;
        }
        var result = new RPairList(cells);
        if (firstAttributes is not null) result.Attributes = ToAttributes(firstAttributes);
        return result;
    }

    private RCharacter ReadCharacter(int levels)
    {
        var length = ReadInt();
        if (length == -1) return new RCharacter(null);
        var bytes = ReadBytes(length);
        // R marks each string with its encoding; unmarked strings are in the writer's native encoding.
        Encoding encoding = (levels & Utf8Mask) != 0 ? Encoding.UTF8
            : (levels & Latin1Mask) != 0 ? Encoding.Latin1
            : (levels & (AsciiMask | BytesMask)) != 0 ? Encoding.Latin1 // ASCII is a subset; "bytes" has no encoding
            : nativeEncoding;
        return new RCharacter(encoding.GetString(bytes));
    }

    private void ReadStringVectorBody()
    {
        if (ReadInt() != 0) throw Error("malformed persistent string vector");
        var length = ReadLength(4);
        for (var i = 0; i < length; i++) ReadItem();
    }

    /// <summary>
    /// ALTREP objects (R ≥ 3.5) serialize as (class info, state, attributes). Only the classes base R
    /// writes for ordinary data are expanded: compact sequences and wrappers.
    /// </summary>
    private RObject ReadAltRep()
    {
        var info = ReadItem();
        var state = ReadItem();
        var attributes = ReadItem();
        var className = info is RPairList { Cells.Count: > 0 } cells && cells.Cells[0].Value is RSymbol symbol ? symbol.Name : "?";
        RObject result;
        switch (className)
        {
            case "compact_intseq" when state is RRealVector { Values.Length: 3 } s:
            {
                var n = s.Values[0];
                if (n < 0 || n > int.MaxValue || double.IsNaN(n)) throw Error($"compact sequence of length {n}");
                if (n > 64L * data.Length + (1 << 20)) throw Error($"compact sequence of length {n} is implausibly long");
                var values = new int[(int)n];
                for (var i = 0; i < values.Length; i++) values[i] = (int)(s.Values[1] + i * s.Values[2]);
                result = new RIntVector(values, false);
                break;
            }
            case "compact_realseq" when state is RRealVector { Values.Length: 3 } s:
            {
                var n = s.Values[0];
                if (n < 0 || n > int.MaxValue || double.IsNaN(n)) throw Error($"compact sequence of length {n}");
                if (n > 64L * data.Length + (1 << 20)) throw Error($"compact sequence of length {n} is implausibly long");
                var values = new double[(int)n];
                for (var i = 0; i < values.Length; i++) values[i] = s.Values[1] + i * s.Values[2];
                result = new RRealVector(values);
                break;
            }
            case "wrap_integer" or "wrap_logical" or "wrap_real" or "wrap_string" or "wrap_list" or "wrap_complex" or "wrap_raw"
                when state is RPairList { Cells.Count: > 0 } wrapped:
                // Only a vector read here is fresh; NULL or a back-reference is shared, and giving it the
                // wrapper's attributes would change every other place that holds it.
                result = wrapped.Cells[0].Value is RIntVector or RRealVector or RStringVector or RList or RRawVector
                    ? wrapped.Cells[0].Value
                    : throw Error($"ALTREP wrapper '{className}' holds no vector");
                break;
            default:
                throw Error($"unsupported ALTREP class '{className}'");
        }
        if (attributes is not RNull) result.Attributes = ToAttributes(attributes);
        return result;
    }

    /// <summary>A CHARSXP: one string (null for NA), only ever an element of a character vector or a symbol name.</summary>
    private sealed class RCharacter(string? value) : RObject
    {
        public string? Value { get; } = value;
    }
}
