namespace RqVae.Training.Resources;

/// <summary>A training run was refused before it started because it clearly cannot fit in the memory available.</summary>
public sealed class InsufficientMemoryForTrainingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InsufficientMemoryForTrainingException(TrainingMemoryEstimate estimate, long neededBytes, long availableBytes)
        : base($"This training run needs {TrainingMemoryEstimate.Format(neededBytes)} more memory but only {TrainingMemoryEstimate.Format(availableBytes)} is available. "
               + $"Estimate: {estimate.Describe()}. Use fewer items or a smaller --batch-size / --kmeans-sample, or a machine with more memory.")
    {
        Estimate = estimate;
        NeededBytes = neededBytes;
        AvailableBytes = availableBytes;
    }

    /// <summary>The estimate, by part.</summary>
    public TrainingMemoryEstimate Estimate { get; }

    /// <summary>The bytes the run still needs.</summary>
    public long NeededBytes { get; }

    /// <summary>The bytes that were available.</summary>
    public long AvailableBytes { get; }
}
