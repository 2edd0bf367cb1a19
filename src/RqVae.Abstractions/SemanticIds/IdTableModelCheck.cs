namespace RqVae.SemanticIds;

/// <summary>
/// Binds an ID table to the model that produced it. Tables carry the model's weights SHA-256
/// (the weights SHA-256 in the model's config.json); IDs of one model mean
/// nothing to another, so a table is used only with the model whose hash it carries.
/// </summary>
public static class IdTableModelCheck
{
    /// <summary>
    /// Throws <see cref="IdTableModelMismatchException"/> unless <paramref name="tableModelHash"/> names the model
    /// whose weights hash is <paramref name="modelWeightsSha256"/>. A table without a hash is refused too, unless
    /// <paramref name="allowUnverified"/> (for tables written by hand).
    /// </summary>
    /// <param name="tablePath">The table, for the message.</param>
    /// <param name="tableModelHash">The hash the table carries (Parquet footer or .meta.json sidecar), or null.</param>
    /// <param name="modelWeightsSha256">The hash of the model it is about to be used with.</param>
    /// <param name="allowUnverified">Accept a table that carries no hash.</param>
    public static void EnsureProducedBy(string tablePath, string? tableModelHash, string modelWeightsSha256, bool allowUnverified = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelWeightsSha256);
        if (string.IsNullOrEmpty(tableModelHash))
        {
            if (allowUnverified) return;
            throw new IdTableModelMismatchException(tablePath, "the table does not say which model produced it (no model hash in its metadata), so its IDs cannot be trusted with this model. Encode the items again with this model, or accept the risk explicitly.");
        }
        var normalized = tableModelHash.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? tableModelHash["sha256:".Length..] : tableModelHash;
        if (!string.Equals(normalized, modelWeightsSha256, StringComparison.OrdinalIgnoreCase))
            throw new IdTableModelMismatchException(tablePath, $"the table was produced by another model (weights SHA-256 {Short(normalized)}…), not by this one ({Short(modelWeightsSha256)}…); its IDs mean nothing here. Encode the items again with this model, or use the model that wrote the table.");
    }

    /// <summary>
    /// Throws <see cref="IdTableModelMismatchException"/> unless <paramref name="tableModelHash"/> names the model of
    /// <paramref name="identity"/>: its identity (settings and weights), or, for a table written before identities
    /// covered the settings, its weights' SHA-256 while the model's settings are as saved.
    /// </summary>
    public static void EnsureProducedBy(string tablePath, string? tableModelHash, Model.ModelIdentity identity, bool allowUnverified = false)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var normalized = tableModelHash is not null && tableModelHash.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? tableModelHash["sha256:".Length..] : tableModelHash;
        if (identity.SettingsAsSaved && string.Equals(normalized, identity.WeightsSha256, StringComparison.OrdinalIgnoreCase)) return;
        if (!identity.SettingsAsSaved && string.Equals(normalized, identity.WeightsSha256, StringComparison.OrdinalIgnoreCase))
            throw new IdTableModelMismatchException(tablePath, "the table was produced by this model's weights, but the model's config.json was changed since it was saved, which changes IDs; encode the items again with the model as it is now, or restore its config.json.");
        EnsureProducedBy(tablePath, tableModelHash, identity.ModelSha256, allowUnverified);
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
