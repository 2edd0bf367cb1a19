namespace RqVae.Catalogue.Tables;

/// <summary>What an import of an ID table did.</summary>
/// <param name="Rows">Rows in the table.</param>
/// <param name="Created">Items stored now with the table's IDs.</param>
/// <param name="Unchanged">Items the store already held with the same IDs (an import run again).</param>
/// <param name="TableLevels">Numbers per ID in the table: L (as encoded) or L + 1 (with the collision code).</param>
public sealed record CatalogueImportReport(long Rows, long Created, long Unchanged, int TableLevels);
