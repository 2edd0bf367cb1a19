namespace RqVae.Training;

/// <summary>Reported after every optimizer step.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">1-based step over the whole run.</param>
/// <param name="TotalSteps">Steps the whole run will take.</param>
/// <param name="Loss">This step's loss terms.</param>
/// <param name="LearningRate">The rate this step used.</param>
public readonly record struct TrainingProgress(int Epoch, long Step, long TotalSteps, LossTerms Loss, double LearningRate);

/// <summary>The terms of the RQ-VAE loss; <see cref="Total"/> = reconstruction + β·commitment + codebook.</summary>
public readonly record struct LossTerms(double Total, double Reconstruction, double Commitment, double Codebook)
{
    /// <summary>Element-wise sum, for averaging.</summary>
    public static LossTerms operator +(LossTerms a, LossTerms b)
        => new(a.Total + b.Total, a.Reconstruction + b.Reconstruction, a.Commitment + b.Commitment, a.Codebook + b.Codebook);

    /// <summary>Element-wise division, for averaging.</summary>
    public static LossTerms operator /(LossTerms a, double n)
        => new(a.Total / n, a.Reconstruction / n, a.Commitment / n, a.Codebook / n);

    /// <summary>True when every term is a finite number.</summary>
    public bool IsFinite => double.IsFinite(Total) && double.IsFinite(Reconstruction) && double.IsFinite(Commitment) && double.IsFinite(Codebook);
}
