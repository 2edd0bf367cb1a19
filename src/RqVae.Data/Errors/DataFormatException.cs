using System.Text;

namespace RqVae.Data.Errors;

/// <summary>
/// Raised by every reader in <c>RqVae.Data</c> when an input file is malformed. The message always says
/// what was wrong, where (file, row, column) and what to do about it, so a user can fix the file
/// without reading a stack trace.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problem">What was wrong, e.g. "value 'abc' is not a number".</param>
    /// <param name="filePath">The file being read, when known.</param>
    /// <param name="row">1-based data row (header lines are not counted), when the problem is in one row.</param>
    /// <param name="column">Column name, or 1-based column index as text, when the problem is in one column.</param>
    /// <param name="remedy">What the user should do; a generic hint is used when null.</param>
    /// <param name="innerException">The low-level exception that revealed the problem, if any.</param>
    /// <param name="setting">The reader setting that would fix the problem, when one would.</param>
    /// <param name="suggestedValue">The value to give <paramref name="setting"/>, when the reader can tell.</param>
    public DataFormatException(string problem, string? filePath = null, long? row = null, string? column = null,
        string? remedy = null, Exception? innerException = null, ReaderSetting? setting = null, string? suggestedValue = null)
        : base(Compose(problem, filePath, row, column, remedy), innerException)
    {
        Setting = setting;
        SuggestedValue = suggestedValue;
        Problem = problem;
        FilePath = filePath;
        Row = row;
        Column = column;
        Remedy = remedy;
    }

    /// <summary>What was wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>The file being read, when known.</summary>
    public string? FilePath { get; }

    /// <summary>1-based data row (header lines are not counted; for JSON Lines the line number), when known.</summary>
    public long? Row { get; }

    /// <summary>Column name, or 1-based column index as text, when known.</summary>
    public string? Column { get; }

    /// <summary>What the user should do, when a specific hint exists.</summary>
    public string? Remedy { get; }

    /// <summary>
    /// The reader setting that would fix the problem (a column that is missing under the configured name, a text
    /// column read as numbers), so a front end can name its own option; null when no setting would.
    /// </summary>
    public ReaderSetting? Setting { get; }

    /// <summary>The value to give <see cref="Setting"/> (e.g. the column to read as text), when the reader can tell.</summary>
    public string? SuggestedValue { get; }

    /// <summary>The same problem and location with another remedy (a front end's own advice), keeping the setting.</summary>
    public DataFormatException WithRemedy(string remedy)
        => new(Problem, FilePath, Row, Column, remedy, InnerException, Setting, SuggestedValue);

    private static string Compose(string problem, string? filePath, long? row, string? column, string? remedy)
    {
        var text = new StringBuilder(problem.TrimEnd('.'));
        if (filePath is not null || row is not null || column is not null)
        {
            text.Append(" (");
            var parts = new List<string>(3);
            if (filePath is not null) parts.Add($"file '{filePath}'");
            if (row is not null) parts.Add($"row {row}");
            if (column is not null) parts.Add($"column '{column}'");
            text.Append(string.Join(", ", parts)).Append(')');
        }
        text.Append(". ").Append(remedy ?? "Fix or regenerate the input file and try again.");
        return text.ToString();
    }
}
