namespace RqVae.SemanticIds;

/// <summary>How <see cref="CollisionResolver"/> makes IDs unique once training is done.</summary>
public sealed record CollisionOptions
{
    /// <summary>First move colliding items to the nearest free code of the last level, when one is near enough. Default true.</summary>
    public bool Reassign { get; init; } = true;

    /// <summary>
    /// How far a re-assigned item may move: the squared distance from its last-level residual to the new
    /// code may be at most this multiple of the mean squared norm of all items' last-level residuals (the
    /// error an item would have with no last level at all). Scale-free, so it means the same on any
    /// catalogue. Default 1.0.
    /// </summary>
    public double MaxReassignError { get; init; } = 1.0;

    /// <summary>Then append TIGER's extra code (0, 1, 2, … within each remaining collision) so every ID is unique. Default true.</summary>
    public bool AppendExtraCode { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid member.</summary>
    public CollisionOptions Validate()
    {
        Model.RqVaeOptions.Require(MaxReassignError >= 0 && double.IsFinite(MaxReassignError), nameof(MaxReassignError),
            $"must be a finite number ≥ 0 (got {MaxReassignError})");
        return this;
    }
}
