using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using RqVae.Service.Problems;

namespace RqVae.Service.Hosting;

/// <summary>
/// A whole-number query parameter read by the endpoint itself, so that a bad one is a problem naming it and its range
/// (parameter binding answers a bare 400).
/// </summary>
internal static class QueryNumber
{
    /// <summary>The value of <paramref name="name"/> (<paramref name="fallback"/> when absent), or the problem.</summary>
    public static (int Value, ProblemHttpResult? Problem) Read(string? text, string name, int fallback, int min, int max)
    {
        if (string.IsNullOrEmpty(text)) return (fallback, null);
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return (value, null);
        return (0, Problem.Result(name, $"'{text}' is not a whole number in {min}..{max}."));
    }
}
