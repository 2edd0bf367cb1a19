namespace RqVae.Data.Errors;

/// <summary>
/// A reader setting that would fix a <see cref="DataFormatException"/> (see <see cref="DataFormatException.Setting"/>),
/// so a front end can point at its own spelling of it (a command-line flag, a config key) instead of the library's name.
/// </summary>
public enum ReaderSetting
{
    /// <summary>The id column or field (<c>IdColumn</c> of the reader options).</summary>
    IdColumn,
    /// <summary>The feature columns (<c>FeatureReaderOptions.FeatureColumns</c>).</summary>
    FeatureColumns,
    /// <summary>The JSON Lines field / Parquet list column holding the vector (<c>FeatureReaderOptions.FeaturesField</c>).</summary>
    FeaturesField,
    /// <summary>The text columns or fields (<c>ItemTextReaderOptions.TextColumns</c>); for a feature file, reading it as texts.</summary>
    TextColumns,
}
