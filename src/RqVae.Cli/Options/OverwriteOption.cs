using System.CommandLine;

namespace RqVae.Cli.Options;

/// <summary>The <c>--overwrite</c> flag every writing command has.</summary>
internal static class OverwriteOption
{
    public static Option<bool> Create(string what) => new("--overwrite")
    {
        Description = $"Replace {what} if it already exists (by default an existing output is refused). " +
                      "The replacement is whole and atomic: the new output is written beside it and swapped in once complete. " +
                      "A folder is replaced only when rqvae wrote everything in it; an input of the command, or a path inside a model folder, is never replaced.",
    };
}
