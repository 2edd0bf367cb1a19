using System.Text.Json.Serialization;

namespace RqVae.Training;

/// <summary>Which epoch's weights the trainer hands back.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CheckpointSelection>))]
public enum CheckpointSelection
{
    /// <summary>The weights after the last epoch.</summary>
    Last,

    /// <summary>The evaluated epoch with the lowest collision rate (ties: the later epoch, lower MSE first).</summary>
    LowestCollisionRate,

    /// <summary>The evaluated epoch with the highest mean reconstruction cosine.</summary>
    HighestCosine,

    /// <summary>The evaluated epoch with the lowest reconstruction MSE.</summary>
    LowestReconstructionMse,
}
