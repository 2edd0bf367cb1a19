using System.Globalization;
using RqVae.Recommender.Protocol;

namespace RqVae.Cli.Commands.Recommend;

/// <summary>
/// Reads a ratings CSV with the header <c>userId,movieId,rating,timestamp</c> (MovieLens' ratings.csv) as interactions;
/// the rating value itself is not used (every rating is an interaction).
/// </summary>
internal static class RatingsCsvFile
{
    public static IReadOnlyList<Interaction> Read(string path)
    {
        if (!File.Exists(path)) throw new CliException($"'{path}': no such ratings file (--ratings). Check the path.");
        var result = new List<Interaction>();
        using var reader = new StreamReader(path);
        var header = reader.ReadLine();
        var columns = header?.Split(',').Select(c => c.Trim()).ToArray() ?? [];
        int Column(string name)
        {
            var i = Array.FindIndex(columns, c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
            return i >= 0 ? i : throw new CliException($"'{path}', line 1: the header has no '{name}' column; a ratings file starts with userId,movieId,rating,timestamp.");
        }
        int user = Column("userId"), item = Column("movieId"), time = Column("timestamp");
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0) continue;
            var fields = text.Split(',');
            if (fields.Length < columns.Length) throw new CliException($"'{path}', line {line}: {fields.Length} fields, the header has {columns.Length}.");
            result.Add(new Interaction(Int(fields[user], "userId"), Int(fields[item], "movieId"), Long(fields[time], "timestamp")));

            int Int(string field, string name) => int.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
                ? v : throw new CliException($"'{path}', line {line}, column {name}: \"{field}\" is not an integer.");
            long Long(string field, string name) => long.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
                ? v : throw new CliException($"'{path}', line {line}, column {name}: \"{field}\" is not an integer.");
        }
        if (result.Count == 0) throw new CliException($"'{path}' has no ratings.");
        return result;
    }
}
