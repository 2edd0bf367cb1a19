using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace RqVae.Analyzers.Tests;

/// <summary>The seed rule on small programs: hash-code seeds are found, arithmetic seeds are not.</summary>
public sealed class ProcessRandomSeedAnalyzerTests
{
    private static async Task<string[]> FindingsIn(string body)
    {
        var source = "using System; public static class Sample { public static Random Run(long seed, int epoch, string name) { " + body + " } }";
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Sample", [CSharpSyntaxTree.ParseText(source)], references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var diagnostics = await compilation.WithAnalyzers([new ProcessRandomSeedAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        return [.. diagnostics.Where(d => d.Id == ProcessRandomSeedAnalyzer.Id).Select(d => d.GetMessage().Split(' ')[0])];
    }

    [Theory]
    [InlineData("return new Random(HashCode.Combine(seed, epoch));", "HashCode.Combine")]
    [InlineData("return new Random(name.GetHashCode() ^ epoch);", "String.GetHashCode")]
    [InlineData("return new Random((int)seed + (epoch, 1).GetHashCode());", "ValueTuple.GetHashCode")]
    public async Task A_hash_code_seed_is_reported(string body, string culprit)
    {
        Assert.Equal([culprit], await FindingsIn(body));
    }

    [Theory]
    [InlineData("return new Random(unchecked((int)(seed ^ (seed >> 32))) + epoch);")]
    [InlineData("return new Random();")]
    public async Task An_arithmetic_seed_is_not_reported(string body)
    {
        Assert.Empty(await FindingsIn(body));
    }
}
