namespace RqVae.Recommender;

/// <summary>How a fit runs, apart from what it learns: where its checkpoints go and whether it resumes from them.</summary>
public sealed record RecommenderFitSettings
{
    /// <summary>A folder for the training state after every epoch; null keeps none. A kind without epochs ignores it.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Continue from the training state in <see cref="CheckpointDirectory"/> when one is there (the same data and options). Default false.</summary>
    public bool Resume { get; init; }
}
