using System.Globalization;
using System.Text;
using RqVae.IO;
using RqVae.Recommender.Protocol;

namespace RqVae.Recommender.Evaluation;

/// <summary>
/// <c>predictions.csv</c>: <c>user_id,rank,item_id</c>, the source user key, the rank from 1 and the source item key of
/// the top 20 for every user's test question, so anyone can score the run with their own code.
/// </summary>
public static class PredictionsFile
{
    /// <summary>The file's name in an evaluation folder.</summary>
    public const string FileName = "predictions.csv";

    /// <summary>Writes <paramref name="testTop"/> (per user of <paramref name="split"/>, dense item indices) to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, RecommenderSplit split, IReadOnlyList<int[]> testTop)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(testTop);
        if (testTop.Count != split.UserKeys.Count) throw new ArgumentException($"{testTop.Count} lists for {split.UserKeys.Count} users.", nameof(testTop));
        var text = new StringBuilder("user_id,rank,item_id\n");
        for (var u = 0; u < testTop.Count; u++)
        {
            for (var r = 0; r < testTop[u].Length; r++)
                text.Append(CultureInfo.InvariantCulture, $"{split.UserKeys[u]},{r + 1},{split.ItemKeys[testTop[u][r]]}\n");
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
