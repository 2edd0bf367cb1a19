using RqVae.SemanticIds;

namespace RqVae.Recommender.Evaluation;

/// <summary>One row of a benchmark: a kind with its options and the side data it is fitted with.</summary>
/// <param name="Label">The row's name in the table, e.g. "TIGER + RQ-VAE IDs".</param>
/// <param name="Kind">The recommender kind.</param>
/// <param name="Options">The kind's options (its <see cref="IRecommenderKind.OptionsType"/>).</param>
/// <param name="SemanticIds">The items' semantic IDs in the split's item order, for kinds that need them.</param>
/// <param name="ItemEmbeddings">The items' content embeddings in the split's item order, for kinds that need them.</param>
public sealed record BenchmarkEntry(string Label, IRecommenderKind Kind, object Options, SemanticIdTable? SemanticIds = null, float[,]? ItemEmbeddings = null);
