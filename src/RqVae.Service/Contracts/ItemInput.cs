namespace RqVae.Service.Contracts;

/// <summary>One item of an assign or encode request: its id and exactly one of a feature vector or a text.</summary>
/// <param name="ItemId">The catalogue's own id of the item (required, non-empty).</param>
/// <param name="Features">The item's feature vector, as wide as the model's input.</param>
/// <param name="Text">The item's text, embedded with the bundled MiniLM (only for a model trained on MiniLM embeddings).</param>
/// <param name="Title">A title for browsing and search; for a text item without one, the text's first line.</param>
public sealed record ItemInput(string? ItemId, FeatureVector? Features, string? Text, string? Title);
