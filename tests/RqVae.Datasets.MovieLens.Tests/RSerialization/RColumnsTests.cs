using RqVae.Data.Errors;
using RqVae.Datasets.MovieLens.RSerialization;
using RqVae.Datasets.MovieLens.Tests.Support;

namespace RqVae.Datasets.MovieLens.Tests.RSerialization;

/// <summary>Typed columns of a data.frame, and their refusals.</summary>
public sealed class RColumnsTests
{
    private static RList Frame(params (string Name, Action<RXdrWriter> Column)[] columns)
        => (RList)RXdrReader.Deserialize(RXdrWriter.Serialize(w => w.DataFrame(2, columns)), "frame");

    private static DataFormatException Refusal(Action read) => Assert.Throws<DataFormatException>(read);

    [Fact]
    public void Missing_column_is_named()
    {
        var e = Refusal(() => RColumns.Integers(Frame(("a", c => c.Ints([1, 2]))), "b", "frame"));
        Assert.Equal("the data frame has no column 'b'", e.Problem);
        Assert.Equal("b", e.Column);
    }

    [Fact]
    public void Numbers_are_refused_where_text_is_stored_and_the_other_way_round()
    {
        var frame = Frame(("text", c => c.Strings(["1", "2"])), ("number", c => c.Doubles([1, 2])));
        Assert.Equal("expected numbers, found RStringVector", Refusal(() => RColumns.Integers(frame, "text", "frame")).Problem);
        Assert.Equal("expected numbers, found RStringVector", Refusal(() => RColumns.Doubles(frame, "text", "frame")).Problem);
        Assert.Equal("expected text or a factor, found RRealVector", Refusal(() => RColumns.Strings(frame, "number", "frame")).Problem);
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(3e9)]
    [InlineData(double.PositiveInfinity)]
    public void Integer_columns_stored_as_doubles_must_hold_whole_integers(double value)
    {
        var e = Refusal(() => RColumns.Integers(Frame(("id", c => c.Doubles([7, value]))), "id", "frame"));
        Assert.Equal($"value {value} is not a whole number in the integer range", e.Problem);
        Assert.Equal(2, e.Row);
    }

    [Fact]
    public void Integer_na_becomes_nan_among_doubles()
        => Assert.Equal([double.NaN, -3], RColumns.Doubles(Frame(("x", c => c.Ints([RXdrWriter.NaInteger, -3]))), "x", "frame"));

    [Fact]
    public void Factor_codes_outside_the_levels_are_refused()
    {
        var e = Refusal(() => RColumns.Strings(Frame(("g", c => c.Factor([1, 3], ["a", "b"]))), "g", "frame"));
        Assert.Equal("factor code 3 is outside its 2 levels", e.Problem);
        Assert.Equal(2, e.Row);
        Assert.Equal("factor code 0 is outside its 2 levels", Refusal(() => RColumns.Strings(Frame(("g", c => c.Factor([0, 1], ["a", "b"]))), "g", "frame")).Problem);
    }
}
