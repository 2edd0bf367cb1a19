using Microsoft.ML.OnnxRuntime;

namespace RqVae.Onnx;

/// <summary>How <see cref="OnnxIdEncoder"/> runs an exported graph in ONNX Runtime.</summary>
public sealed record OnnxRuntimeOptions
{
    /// <summary>Rows per <c>Run</c> call, default 2048 (the tool's own encoding batch). The IDs do not depend on it.</summary>
    public int BatchSize { get; init; } = 2048;

    /// <summary>Threads of ONNX Runtime's intra-op pool; 0 (default) lets it use one per core.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Graph optimisations ONNX Runtime applies before running, default all of them (they fuse nodes; none changes the arithmetic of Gemm, ReduceSumSquare, Add or ArgMin).</summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>Checks every setting; returns this instance.</summary>
    public OnnxRuntimeOptions Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        if (IntraOpThreads < 0) throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "IntraOpThreads must be ≥ 0 (0: one per core).");
        if (!Enum.IsDefined(OptimizationLevel)) throw new ArgumentOutOfRangeException(nameof(OptimizationLevel), OptimizationLevel, "Not an ONNX Runtime optimisation level.");
        return this;
    }
}
