namespace RqVae.Data.Text;

/// <summary>An item id and the text that describes it (what an embedding model reads).</summary>
/// <param name="Id">The item id.</param>
/// <param name="Text">The text.</param>
public readonly record struct ItemText(string Id, string Text);
