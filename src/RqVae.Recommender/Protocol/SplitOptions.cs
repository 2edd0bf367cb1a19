namespace RqVae.Recommender.Protocol;

/// <summary>How <see cref="LeaveLastOutSplit"/> cuts interactions into training, validation and test.</summary>
public sealed record SplitOptions
{
    /// <summary>The share of the catalogue held out as new (cold) items that no training sequence contains. Default 0.05; 0 disables the cold slice; below 0.5.</summary>
    public double ColdItemFraction { get; init; } = 0.05;

    /// <summary>Seeds the choice of cold items. Fixed across model seeds so that every run is scored on the same split. Default 42.</summary>
    public int SplitSeed { get; init; } = 42;

    /// <summary>The longest history of a training example (every prefix of the training part is cut to its last this many items). Default 20; at least 1.</summary>
    public int MaxHistory { get; init; } = 20;

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting that is out of range.</summary>
    public SplitOptions Validate()
    {
        if (!(ColdItemFraction >= 0 && ColdItemFraction < 0.5)) throw new ArgumentException($"ColdItemFraction must be in [0, 0.5); it is {ColdItemFraction}.", nameof(ColdItemFraction));
        if (MaxHistory < 1) throw new ArgumentException($"MaxHistory must be at least 1; it is {MaxHistory}.", nameof(MaxHistory));
        return this;
    }
}
