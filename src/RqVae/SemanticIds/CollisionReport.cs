using RqVae.Metrics;

namespace RqVae.SemanticIds;

/// <summary>Collisions before and after each step of <see cref="CollisionResolver"/>.</summary>
/// <param name="Before">The IDs as encoded.</param>
/// <param name="AfterReassignment">After moving colliding items to free last-level codes (same as before when that step is off).</param>
/// <param name="AfterExtraCode">After appending the extra code (same as after re-assignment when that step is off).</param>
/// <param name="Reassigned">Items moved to another last-level code.</param>
/// <param name="ExtraCodeSize">Values the extra code takes (the largest bucket left after re-assignment); 0 without an extra code.</param>
/// <param name="MaxReassignSquaredDistance">The absolute squared-distance limit re-assignment used.</param>
public sealed record CollisionReport(
    CollisionStats Before,
    CollisionStats AfterReassignment,
    CollisionStats AfterExtraCode,
    int Reassigned,
    int ExtraCodeSize,
    double MaxReassignSquaredDistance);
