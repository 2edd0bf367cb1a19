using Xunit;

namespace RqVae.Tests.Support;

/// <summary>
/// Tests that compare two training runs in this process bit for bit. Torch's global generator (which initialises
/// the weights) is process-wide, so a test class running in parallel that seeds or draws from it between another
/// run's seeding and its module construction changes that run's weights. These tests therefore run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Bit-exact training comparisons (not parallel)";
}
