using System.Text;
using RqVae.Data.Errors;
using RqVae.Datasets.MovieLens.RSerialization;
using RqVae.Datasets.MovieLens.Tests.Support;

namespace RqVae.Datasets.MovieLens.Tests.RSerialization;

/// <summary>The XDR reader on small serializations written by hand, one supported shape or refusal per test.</summary>
public sealed class RXdrReaderTests
{
    private static RObject Read(Action<RXdrWriter> body, int version = 3, string nativeEncoding = "UTF-8")
        => RXdrReader.Deserialize(RXdrWriter.Serialize(body, version, nativeEncoding), "test");

    private static string Refusal(byte[] bytes) => Assert.Throws<DataFormatException>(() => RXdrReader.Deserialize(bytes, "test")).Problem;

    private static string Refusal(Action<RXdrWriter> body) => Refusal(RXdrWriter.Serialize(body));

    [Fact]
    public void The_bytes_R_writes_for_one_integer_decode_and_match_the_test_writer()
    {
        // serialize(1L, NULL, version = 3) from R 4.3.1: "X\n", version 3, R 4.3.1, R 3.5.0, "UTF-8", INTSXP, length 1, 1.
        byte[] fromR =
        [
            0x58, 0x0A, 0, 0, 0, 3, 0, 4, 3, 1, 0, 3, 5, 0, 0, 0, 0, 5, 0x55, 0x54, 0x46, 0x2D, 0x38,
            0, 0, 0, 0x0D, 0, 0, 0, 1, 0, 0, 0, 1,
        ];
        Assert.Equal(fromR, RXdrWriter.Serialize(w => w.Ints([1])));
        var vector = Assert.IsType<RIntVector>(RXdrReader.Deserialize(fromR, "test"));
        Assert.Equal([1], vector.Values);
        Assert.False(vector.IsLogical);
    }

    [Fact]
    public void Integer_vector_with_na_and_extremes()
    {
        var vector = Assert.IsType<RIntVector>(Read(w => w.Ints([0, -7, RXdrWriter.NaInteger, int.MaxValue, -int.MaxValue])));
        Assert.Equal([0, -7, RIntVector.NaInteger, 2147483647, -2147483647], vector.Values);
        Assert.Empty(vector.Attributes);
    }

    [Fact]
    public void Logical_vector_keeps_true_false_and_na()
    {
        var vector = Assert.IsType<RIntVector>(Read(w => w.Ints([1, 0, RXdrWriter.NaInteger], logical: true)));
        Assert.True(vector.IsLogical);
        Assert.Equal([1, 0, int.MinValue], vector.Values);
    }

    [Fact]
    public void Double_vector_keeps_every_bit_including_rs_na_payload()
    {
        double[] values = [1.5, -0.0, 1e300, double.PositiveInfinity, RXdrWriter.NaReal, double.NaN, 2.5e-310];
        var vector = Assert.IsType<RRealVector>(Read(w => w.Doubles(values)));
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), vector.Values.Select(BitConverter.DoubleToInt64Bits));
        // NA_real_ is the NaN whose low word is 1954 (0x7A2); it stays distinguishable from an ordinary NaN.
        Assert.Equal(0x7FF00000_000007A2, BitConverter.DoubleToInt64Bits(vector.Values[4]));
        Assert.True(double.IsNaN(vector.Values[4]));
    }

    [Fact]
    public void Complex_vector_reads_as_real_and_imaginary_parts_in_turn()
    {
        var vector = Assert.IsType<RRealVector>(Read(w => w.Int(RXdrWriter.Flags(RXdrWriter.CplxSxp)).Int(2).Double(1).Double(-2).Double(0.5).Double(3)));
        Assert.Equal([1, -2, 0.5, 3], vector.Values);
    }

    [Fact]
    public void Raw_vector()
    {
        var vector = Assert.IsType<RRawVector>(Read(w => w.Int(RXdrWriter.Flags(RXdrWriter.RawSxp)).Int(3).Raw([0x00, 0xFF, 0x7A])));
        Assert.Equal([0x00, 0xFF, 0x7A], vector.Values);
    }

    [Fact]
    public void Long_vector_length_in_two_words()
    {
        // Lengths ≥ 2³¹ are written as −1 then the upper and lower words; a small one written that way still reads.
        var vector = Assert.IsType<RIntVector>(Read(w => w.Int(RXdrWriter.IntSxp).Int(-1).Int(0).Int(2).Int(11).Int(12)));
        Assert.Equal([11, 12], vector.Values);
    }

    [Fact]
    public void String_vector_with_non_ascii_empty_and_na()
    {
        var vector = Assert.IsType<RStringVector>(Read(w => w.Strings(["Toy Story", "Amélie", "", null, "東京物語", "¡Átame!"])));
        Assert.Equal(["Toy Story", "Amélie", "", null, "東京物語", "¡Átame!"], vector.Values.AsEnumerable());
    }

    [Fact]
    public void Strings_marked_latin1_and_unmarked_strings_in_a_latin1_session()
    {
        byte[] misérables = [.. "Mis"u8, 0xE9, .. "rables"u8];
        var marked = Assert.IsType<RStringVector>(Read(w => w.Int(RXdrWriter.StrSxp).Int(1).Character(RXdrWriter.Latin1Mark, misérables)));
        Assert.Equal(["Misérables"], marked.Values.AsEnumerable());
        // Unmarked strings are in the writer's native encoding, named in the version-3 header.
        var unmarked = Assert.IsType<RStringVector>(Read(w => w.Int(RXdrWriter.StrSxp).Int(1).Character(0, misérables), nativeEncoding: "latin1"));
        Assert.Equal(["Misérables"], unmarked.Values.AsEnumerable());
        var utf8Session = Assert.IsType<RStringVector>(Read(w => w.Int(RXdrWriter.StrSxp).Int(1).Character(0, Encoding.UTF8.GetBytes("Misérables"))));
        Assert.Equal(["Misérables"], utf8Session.Values.AsEnumerable());
    }

    [Fact]
    public void Version_2_has_no_encoding_in_the_header()
    {
        var vector = Assert.IsType<RStringVector>(Read(w => w.Strings(["Amélie"]), version: 2));
        Assert.Equal(["Amélie"], vector.Values.AsEnumerable());
    }

    [Fact]
    public void Factor_keeps_codes_levels_and_class()
    {
        var factor = Assert.IsType<RIntVector>(Read(w => w.Factor([2, 1, RXdrWriter.NaInteger, 2], ["Comedy", "Drama"])));
        Assert.Equal([2, 1, int.MinValue, 2], factor.Values);
        Assert.Equal(["Comedy", "Drama"], Assert.IsType<RStringVector>(factor.Attribute("levels")).Values.AsEnumerable());
        Assert.True(factor.Inherits("factor"));
        Assert.False(factor.Inherits("data.frame"));
        Assert.Equal(["levels", "class"], factor.Attributes.Select(a => a.Key));
    }

    [Fact]
    public void Data_frame_columns_by_name()
    {
        var frame = Assert.IsType<RList>(Read(w => w.DataFrame(3,
            ("id", c => c.Ints([10, 20, 30])),
            ("score", c => c.Doubles([0.5, RXdrWriter.NaReal, 4])),
            ("name", c => c.Strings(["Heat", null, "Léon"])),
            ("genre", c => c.Factor([3, 1, 3], ["Action", "Comedy", "Drama"])),
            ("year", c => c.Doubles([1995, RXdrWriter.NaReal, 2001])))));
        Assert.True(frame.Inherits("data.frame"));
        Assert.Equal(["id", "score", "name", "genre", "year"], frame.Names!);
        // Compact row names c(NA, −3) stand for 1:3.
        Assert.Equal([int.MinValue, -3], Assert.IsType<RIntVector>(frame.Attribute("row.names")).Values);
        Assert.Equal([10, 20, 30], Assert.IsType<RIntVector>(frame["id"]).Values);
        Assert.Null(frame["missing"]);

        Assert.Equal([10, 20, 30], RColumns.Integers(frame, "id", "test"));
        Assert.Equal([0.5, double.NaN, 4], RColumns.Doubles(frame, "score", "test"));
        Assert.Equal([1995, null, 2001], RColumns.Integers(frame, "year", "test"));
        Assert.Equal(["Heat", null, "Léon"], RColumns.Strings(frame, "name", "test").AsEnumerable());
        Assert.Equal(["Drama", "Action", "Drama"], RColumns.Strings(frame, "genre", "test").AsEnumerable());
        Assert.Equal([10.0, 20.0, 30.0], RColumns.Doubles(frame, "id", "test"));
    }

    [Fact]
    public void Repeated_symbols_are_references_to_the_first()
    {
        // The second list's "names" tag is written as REFSXP 1, a reference to the first "names" symbol.
        var outer = Assert.IsType<RList>(Read(w => w.List([x => x.List([y => y.Ints([1])], ["a"]), x => x.List([y => y.Ints([2])], ["b"])])));
        Assert.Equal(["a"], ((RList)outer.Items[0]).Names!);
        Assert.Equal(["b"], ((RList)outer.Items[1]).Names!);
        Assert.Equal([2], Assert.IsType<RIntVector>(((RList)outer.Items[1])["b"]).Values);
    }

    [Fact]
    public void Null_and_environment_placeholders()
    {
        Assert.Same(RNull.Instance, Read(w => w.Null()));
        var list = Assert.IsType<RList>(Read(w => w.List([x => x.Int(RXdrWriter.GlobalEnvSxp), x => x.Null()])));
        Assert.Equal(RXdrWriter.GlobalEnvSxp, Assert.IsType<ROpaque>(list.Items[0]).SexpType);
        Assert.Same(RNull.Instance, list.Items[1]);
    }

    private static void AltRepInfo(RXdrWriter w, string className, int type)
        => w.Int(RXdrWriter.ListSxp).Symbol(className).Int(RXdrWriter.ListSxp).Symbol("base").Int(RXdrWriter.ListSxp).Ints([type]).Null();

    [Fact]
    public void Compact_integer_sequence_expands()
    {
        // 3:7 as R ≥ 3.5 writes it: ALTREP class compact_intseq, state c(length, start, step).
        var vector = Assert.IsType<RIntVector>(Read(w =>
        {
            w.Int(RXdrWriter.AltRepSxp);
            AltRepInfo(w, "compact_intseq", RXdrWriter.IntSxp);
            w.Doubles([5, 3, 1]).Null();
        }));
        Assert.Equal([3, 4, 5, 6, 7], vector.Values);
    }

    [Fact]
    public void Compact_real_sequence_expands_and_keeps_attributes()
    {
        var vector = Assert.IsType<RRealVector>(Read(w =>
        {
            w.Int(RXdrWriter.AltRepSxp);
            AltRepInfo(w, "compact_realseq", RXdrWriter.RealSxp);
            w.Doubles([3, 10, -2.5]);
            w.Attributes(("names", n => n.Strings(["a", "b", "c"])));
        }));
        Assert.Equal([10, 7.5, 5], vector.Values);
        Assert.Equal(["a", "b", "c"], vector.Names!);
    }

    [Fact]
    public void Wrapper_yields_the_wrapped_vector()
    {
        var vector = Assert.IsType<RStringVector>(Read(w =>
        {
            w.Int(RXdrWriter.AltRepSxp);
            AltRepInfo(w, "wrap_string", RXdrWriter.StrSxp);
            w.Int(RXdrWriter.ListSxp).Strings(["x", "ÿ"]).Int(RXdrWriter.ListSxp).Ints([0, 0]).Null(); // state: pairlist (wrapped, metadata)
            w.Null();
        }));
        Assert.Equal(["x", "ÿ"], vector.Values.AsEnumerable());
    }

    [Fact]
    public void Refuses_what_is_not_an_xdr_stream()
    {
        Assert.StartsWith("R serialization: not an XDR serialization (expected 'X\\n')", Refusal("A\n3\n"u8.ToArray()));
        Assert.StartsWith("R serialization: not an XDR serialization", Refusal([0x1F, 0x8B, 8, 0])); // still gzip'd
        Assert.StartsWith("R serialization: not an XDR serialization", Refusal([]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Refuses_other_serialization_versions(int version)
        => Assert.Equal($"R serialization: unsupported serialization version {version} at byte 14", Refusal(RXdrWriter.Serialize(w => w.Ints([1]), version)));

    [Fact]
    public void Refuses_a_truncated_stream()
    {
        var whole = RXdrWriter.Serialize(w => w.Ints([1, 2, 3]));
        // 23 header bytes, flags, length 3, then only two of the three values.
        Assert.Equal("R serialization: claimed length 3 needs more than the 8 bytes left at byte 31", Refusal(whole[..^4]));
        Assert.Equal("R serialization: unexpected end of data at byte 6", Refusal(whole[..8]));
    }

    [Fact]
    public void Refuses_lengths_beyond_the_data_before_allocating()
    {
        Assert.Equal("R serialization: length 2147483647 exceeds the 3 bytes left at byte 39",
            Refusal(w => w.Int(RXdrWriter.StrSxp).Int(1).Int(RXdrWriter.Flags(RXdrWriter.CharSxp)).Int(int.MaxValue).Raw("abc"u8)));
        Assert.Equal("R serialization: negative length -5 at byte 31", Refusal(w => w.Int(RXdrWriter.IntSxp).Int(-5)));
        Assert.Equal("R serialization: claimed length 2147483647 needs more than the 0 bytes left at byte 31",
            Refusal(w => w.Int(RXdrWriter.RealSxp).Int(int.MaxValue)));
        // A long-vector length of 2³¹·4: the reader must not believe it.
        Assert.Equal("R serialization: claimed length 8589934592 needs more than the 0 bytes left at byte 39",
            Refusal(w => w.Int(RXdrWriter.IntSxp).Int(-1).Int(2).Int(0)));
    }

    [Fact]
    public void Refuses_a_long_vector_length_whose_byte_count_overflows()
    {
        // 2⁶¹ doubles are 2⁶⁴ bytes, which is 0 in 64-bit arithmetic: the check must not wrap round.
        Assert.Equal("R serialization: claimed length 2305843009213693952 needs more than the 8 bytes left at byte 39",
            Refusal(w => w.Int(RXdrWriter.RealSxp).Int(-1).Int(0x2000_0000).Int(0).Double(1)));
    }

    [Fact]
    public void Refuses_nesting_deeper_than_a_thousand()
    {
        var depth = 1001;
        var bytes = RXdrWriter.Serialize(w =>
        {
            for (var i = 0; i < depth; i++) w.Int(RXdrWriter.VecSxp).Int(1);
            w.Null();
        });
        Assert.StartsWith("R serialization: objects nested deeper than 1000 levels", Refusal(bytes));
        depth = 999;
        var fine = RXdrReader.Deserialize(RXdrWriter.Serialize(w =>
        {
            for (var i = 0; i < depth; i++) w.Int(RXdrWriter.VecSxp).Int(1);
            w.Null();
        }), "test");
        Assert.IsType<RList>(fine);
    }

    [Fact]
    public void Refuses_a_reference_to_nothing()
        => Assert.Equal("R serialization: reference 5 to an object not yet read at byte 27", Refusal(w => w.Int(RXdrWriter.RefSxp | (5 << 8))));

    [Theory]
    [InlineData(21)] // bytecode
    [InlineData(246)] // class reference
    [InlineData(99)]
    public void Refuses_unsupported_types(int type)
        => Assert.Equal($"R serialization: unsupported object type {type} at byte 27", Refusal(w => w.Int(type)));

    [Fact]
    public void Refuses_unknown_altrep_classes()
        => Assert.StartsWith("R serialization: unsupported ALTREP class 'deferred_string'", Refusal(w =>
        {
            w.Int(RXdrWriter.AltRepSxp);
            AltRepInfo(w, "deferred_string", RXdrWriter.StrSxp);
            w.Ints([1]).Null();
        }));

    [Fact]
    public void Refuses_a_wrapper_around_no_vector()
        => Assert.StartsWith("R serialization: ALTREP wrapper 'wrap_integer' holds no vector", Refusal(w =>
        {
            w.Int(RXdrWriter.AltRepSxp);
            AltRepInfo(w, "wrap_integer", RXdrWriter.IntSxp);
            w.Int(RXdrWriter.ListSxp).Null().Int(RXdrWriter.ListSxp).Ints([0, 0]).Null();
            w.Attributes(("names", n => n.Strings(["a"])));
        }));

    [Fact]
    public void Refuses_compact_sequences_of_impossible_length()
    {
        Assert.StartsWith("R serialization: compact sequence of length 1000000000000 at byte", Refusal(w =>
        {
            w.Int(RXdrWriter.AltRepSxp);
            AltRepInfo(w, "compact_intseq", RXdrWriter.IntSxp);
            w.Doubles([1e12, 1, 1]).Null();
        }));
        Assert.StartsWith("R serialization: compact sequence of length 2000000000 is implausibly long", Refusal(w =>
        {
            w.Int(RXdrWriter.AltRepSxp);
            AltRepInfo(w, "compact_realseq", RXdrWriter.RealSxp);
            w.Doubles([2e9, 1, 1]).Null();
        }));
    }

    [Fact]
    public void Refuses_misplaced_kinds()
    {
        Assert.Equal("R serialization: symbol name is not a string at byte 35", Refusal(w => w.Int(RXdrWriter.SymSxp).Ints([])));
        Assert.Equal("R serialization: character vector element is not a string at byte 43", Refusal(w => w.Int(RXdrWriter.StrSxp).Int(1).Ints([7])));
        Assert.Equal("R serialization: attributes are not a pairlist at byte 43",
            Refusal(w => w.Int(RXdrWriter.Flags(RXdrWriter.IntSxp, hasAttributes: true)).Int(1).Int(7).List([])));
        Assert.Equal("R serialization: malformed persistent string vector at byte 31", Refusal(w => w.Int(247).Int(1)));
    }

    [Fact]
    public void Refusals_name_the_source_and_say_what_to_do()
    {
        var e = Assert.Throws<DataFormatException>(() => RXdrReader.Deserialize([0x58], "Rdata.rdb:movielens"));
        Assert.Equal("Rdata.rdb:movielens", e.FilePath);
        Assert.Equal("R serialization: not an XDR serialization (expected 'X\\n') at byte 0 (file 'Rdata.rdb:movielens'). " +
                     "The R data file is damaged or of an unsupported kind; delete the cached copy so it is fetched again.", e.Message);
    }
}
