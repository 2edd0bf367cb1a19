using RqVae.Data.Errors;

namespace RqVae.Cli.Input;

/// <summary>
/// Turns a reader error that a reader setting would fix (<see cref="DataFormatException.Setting"/>) into advice
/// naming the flag that sets it: the library speaks of its options, the user types flags.
/// </summary>
internal static class ReaderSettingFlags
{
    /// <summary>The flag of <paramref name="setting"/>; the same spelling in every command that reads items.</summary>
    public static string Flag(ReaderSetting setting) => setting switch
    {
        ReaderSetting.IdColumn => "--id-column",
        ReaderSetting.FeatureColumns => "--feature-columns",
        ReaderSetting.FeaturesField => "--features-field",
        ReaderSetting.TextColumns => "--text-column",
        _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, null),
    };

    /// <summary>The message for <paramref name="error"/>: its own, or with a remedy naming the flag when a setting would fix it.</summary>
    public static string Message(DataFormatException error)
    {
        if (error.Setting is not { } setting) return error.Message;
        var flag = Flag(setting);
        var remedy = (setting, error.SuggestedValue) switch
        {
            (ReaderSetting.TextColumns, { } column) =>
                $"Feature cells must be numbers; if column '{column}' holds text to embed, add {flag} {column}.",
            (_, { } value) => $"Pass {flag} {value}.",
            _ => $"Rename it in the file or pass {flag} NAME.",
        };
        return error.WithRemedy(remedy).Message;
    }
}
