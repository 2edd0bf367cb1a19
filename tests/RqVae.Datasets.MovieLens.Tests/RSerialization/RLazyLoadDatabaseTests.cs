using System.Buffers.Binary;
using RqVae.Data.Errors;
using RqVae.Datasets.MovieLens.RSerialization;
using RqVae.Datasets.MovieLens.Tests.Support;

using RqVae.TestSupport;

namespace RqVae.Datasets.MovieLens.Tests.RSerialization;

/// <summary>The lazy-load database (.rdx index + .rdb records) on small databases written by hand.</summary>
public sealed class RLazyLoadDatabaseTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();
    public void Dispose() => dir.Dispose();

    private static readonly byte[] Numbers = RXdrWriter.Serialize(w => w.Ints([4, 5, 6]));
    private static readonly byte[] Words = RXdrWriter.Serialize(w => w.Strings(["Amélie", null]));

    private string Base => dir.File("Rdata");

    private string Refusal(Func<RLazyLoadDatabase> open) => Assert.Throws<DataFormatException>(() => open()).Problem;

    private string ReadRefusal(string name = "numbers") => Assert.Throws<DataFormatException>(() => RLazyLoadDatabase.Open(Base).Read(name)).Problem;

    private void WriteIndex(byte[] payload) => File.WriteAllBytes(Base + ".rdx", RLazyLoadFiles.Gzip(payload));

    [Fact]
    public void Reads_each_object_by_name()
    {
        RLazyLoadFiles.Write(Base, ("numbers", Numbers), ("words", Words));
        var database = RLazyLoadDatabase.Open(Base);
        Assert.Equal(["numbers", "words"], database.Names.Order(StringComparer.Ordinal));
        Assert.Equal([4, 5, 6], Assert.IsType<RIntVector>(database.Read("numbers")).Values);
        Assert.Equal(["Amélie", null], Assert.IsType<RStringVector>(database.Read("words")).Values.AsEnumerable());
        // Reading again gives the same values: each read opens the file afresh.
        Assert.Equal([4, 5, 6], Assert.IsType<RIntVector>(database.Read("numbers")).Values);
    }

    [Fact]
    public void Accepts_positions_stored_as_doubles()
    {
        var record = RLazyLoadFiles.Record(Numbers);
        File.WriteAllBytes(Base + ".rdb", record);
        WriteIndex(RXdrWriter.Serialize(w => w.List([v => v.List([x => x.Doubles([0, record.Length])], ["numbers"])], ["variables"])));
        Assert.Equal([4, 5, 6], Assert.IsType<RIntVector>(RLazyLoadDatabase.Open(Base).Read("numbers")).Values);
    }

    [Fact]
    public void Refuses_an_index_that_is_not_gzip()
    {
        RLazyLoadFiles.Write(Base, ("numbers", Numbers));
        File.WriteAllBytes(Base + ".rdx", RLazyLoadFiles.Index([("numbers", 0, 10)])); // not compressed
        Assert.Equal("the lazy-load index is not valid gzip", Refusal(() => RLazyLoadDatabase.Open(Base)));
    }

    [Fact]
    public void Refuses_an_index_of_the_wrong_shape()
    {
        RLazyLoadFiles.Write(Base, ("numbers", Numbers));
        WriteIndex(RXdrWriter.Serialize(w => w.Ints([1])));
        Assert.Equal("the lazy-load index is not a list", Refusal(() => RLazyLoadDatabase.Open(Base)));
        WriteIndex(RXdrWriter.Serialize(w => w.List([v => v.List([])], ["references"])));
        Assert.Equal("the lazy-load index has no 'variables' list", Refusal(() => RLazyLoadDatabase.Open(Base)));
        WriteIndex(RXdrWriter.Serialize(w => w.List([v => v.List([x => x.Strings(["0, 10"])], ["numbers"])], ["variables"])));
        Assert.Equal("index entry 'numbers' is not (offset, length)", Refusal(() => RLazyLoadDatabase.Open(Base)));
        WriteIndex(RXdrWriter.Serialize(w => w.List([v => v.List([x => x.Ints([0, 10, 20])], ["numbers"])], ["variables"])));
        Assert.Equal("index entry 'numbers' is not (offset, length)", Refusal(() => RLazyLoadDatabase.Open(Base)));
    }

    [Theory]
    [InlineData(1e300, 10)]
    [InlineData(0, 1e12)]
    [InlineData(-1, 10)]
    [InlineData(0, double.NaN)]
    [InlineData(0.5, 10)]
    public void Refuses_index_positions_that_are_not_in_a_file(double offset, double length)
    {
        RLazyLoadFiles.Write(Base, ("numbers", Numbers));
        WriteIndex(RXdrWriter.Serialize(w => w.List([v => v.List([x => x.Doubles([offset, length])], ["numbers"])], ["variables"])));
        Assert.Equal($"index entry 'numbers' has offset {offset} and length {length}, which is no place in a file",
            Refusal(() => RLazyLoadDatabase.Open(Base)));
    }

    [Theory]
    [InlineData(2)] // bzip2
    [InlineData(3)] // xz
    public void Refuses_compression_other_than_zlib(int kind)
    {
        var (_, rdb) = RLazyLoadFiles.Build(("numbers", Numbers));
        RLazyLoadFiles.Write(Base, RLazyLoadFiles.Index([("numbers", 0, rdb.Length)], compressed: kind), rdb);
        Assert.Equal($"the database uses compression type {kind}; only zlib (1) is supported", Refusal(() => RLazyLoadDatabase.Open(Base)));
    }

    [Fact]
    public void Refuses_a_name_it_does_not_hold()
    {
        RLazyLoadFiles.Write(Base, ("numbers", Numbers));
        Assert.Equal("the database has no object called 'movielens'", ReadRefusal("movielens"));
    }

    [Fact]
    public void Refuses_a_record_outside_the_file()
    {
        var record = RLazyLoadFiles.Record(Numbers);
        RLazyLoadFiles.Write(Base, RLazyLoadFiles.Index([("numbers", 5, record.Length)]), record);
        Assert.Equal($"object 'numbers' at offset 5 with length {record.Length} lies outside the file ({record.Length} bytes)", ReadRefusal());
        RLazyLoadFiles.Write(Base, RLazyLoadFiles.Index([("numbers", 0, 4)]), record);
        Assert.Equal($"object 'numbers' at offset 0 with length 4 lies outside the file ({record.Length} bytes)", ReadRefusal());
    }

    [Fact]
    public void Refuses_a_record_that_claims_far_more_than_it_can_expand_to()
    {
        var record = RLazyLoadFiles.Record(Numbers);
        BinaryPrimitives.WriteUInt32BigEndian(record, 0xFFFF_FFF0);
        RLazyLoadFiles.Write(Base, RLazyLoadFiles.Index([("numbers", 0, record.Length)]), record);
        Assert.Equal($"object 'numbers' claims 4294967280 uncompressed bytes from {record.Length} compressed", ReadRefusal());
    }

    [Fact]
    public void Refuses_a_record_that_is_not_zlib_or_shorter_than_claimed()
    {
        byte[] garbage = [0, 0, 0, 10, .. "not a zlib stream"u8];
        RLazyLoadFiles.Write(Base, RLazyLoadFiles.Index([("numbers", 0, garbage.Length)]), garbage);
        Assert.Equal("object 'numbers' is not a valid zlib stream of 10 bytes", ReadRefusal());

        var record = RLazyLoadFiles.Record(Numbers);
        BinaryPrimitives.WriteUInt32BigEndian(record, (uint)Numbers.Length + 1);
        RLazyLoadFiles.Write(Base, RLazyLoadFiles.Index([("numbers", 0, record.Length)]), record);
        Assert.Equal($"object 'numbers' is not a valid zlib stream of {Numbers.Length + 1} bytes", ReadRefusal());
    }

    [Fact]
    public void A_damaged_object_is_reported_with_the_file_and_its_name()
    {
        RLazyLoadFiles.Write(Base, ("numbers", [.. Numbers[..^4]]));
        var e = Assert.Throws<DataFormatException>(() => RLazyLoadDatabase.Open(Base).Read("numbers"));
        Assert.Equal(Base + ".rdb:numbers", e.FilePath);
        Assert.Equal("R serialization: claimed length 3 needs more than the 8 bytes left at byte 31", e.Problem);
    }
}
