namespace RqVae.Service.Contracts;

/// <summary>The branches of the code tree under a prefix.</summary>
/// <param name="Prefix">The prefix ("" for the root).</param>
/// <param name="Codes">Its codes.</param>
/// <param name="Level">How many codes it has (0 for the root).</param>
/// <param name="Levels">L, the codes the model gives each item (the collision code comes after them).</param>
/// <param name="Items">How many items are under the prefix.</param>
/// <param name="Children">One per next code that some item has, in code order; under all L codes the next code is the collision code, so each child is one item.</param>
public sealed record ChildrenResponse(string Prefix, int[] Codes, int Level, int Levels, long Items, IReadOnlyList<ChildView> Children);

/// <summary>One branch under a prefix.</summary>
/// <param name="Code">The next code.</param>
/// <param name="Prefix">The prefix with that code added.</param>
/// <param name="Items">How many items are under it (retired ones included).</param>
/// <param name="Titles">A few of their titles, in ID order.</param>
public sealed record ChildView(int Code, string Prefix, long Items, IReadOnlyList<string> Titles);
