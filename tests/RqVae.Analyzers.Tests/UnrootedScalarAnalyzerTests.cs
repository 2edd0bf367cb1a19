using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace RqVae.Analyzers.Tests;

/// <summary>
/// The rule on small programs compiled against the real TorchSharp assembly: each temporary Scalar it must find, and
/// each held one it must leave alone.
/// </summary>
public sealed class UnrootedScalarAnalyzerTests
{
    private const string Prelude = """
        using System;
        using TorchSharp;
        using static TorchSharp.torch;
        public static class Held { public static readonly Scalar One = 1.ToScalar(); }
        public static class Sample
        {
            public static object Run(Tensor a, Tensor b, double rate, System.Collections.Generic.IEnumerable<TorchSharp.Modules.Parameter> parameters)
            {
        """;

    private const string Postlude = """
            }
        }
        """;

    private static async Task<string[]> FindingsIn(string body)
    {
        var source = Prelude + body + Postlude;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location));
        var compilation = CSharpCompilation.Create("Sample", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "the sample does not compile: " + string.Join("; ", errors.Select(e => e.ToString())));
        var diagnostics = await compilation.WithAnalyzers([new UnrootedScalarAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        return [.. diagnostics.Where(d => d.Id == UnrootedScalarAnalyzer.Id).Select(d => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan))];
    }

    [Theory]
    [InlineData("return a.mul(2);", "2")]
    [InlineData("return a * 0.5;", "a * 0.5")]
    [InlineData("return 2 * a;", "2 * a")]
    [InlineData("return a + b;", "a + b")]
    [InlineData("return a.add(b);", "a.add(b)")]
    [InlineData("return a.add_(b);", "a.add_(b)")]
    [InlineData("return a.addcdiv(a, b);", "a.addcdiv(a, b)")]
    [InlineData("return a.pow(rate);", "rate")]
    [InlineData("return full(3, 3, -1e9f);", "-1e9f")]
    [InlineData("return a.masked_fill(b, double.NegativeInfinity);", "double.NegativeInfinity")]
    [InlineData("return 1.0 - a;", "1.0 - a")]
    [InlineData("var x = a; x += b; return x;", "x += b")]
    [InlineData("return optim.AdamW(parameters, rate);", "optim.AdamW(parameters, rate)")]
    [InlineData("return optim.SGD(parameters, rate);", "optim.SGD(parameters, rate)")]
    public async Task A_temporary_scalar_is_reported_where_it_is_made(string body, string reported)
    {
        var findings = await FindingsIn(body);
        Assert.Equal([reported], findings);
    }

    [Theory]
    [InlineData("return a.add(b, Held.One);")]
    [InlineData("using var half = 0.5.ToScalar(); return a.mul(half);")]
    [InlineData("return a - b;")]
    [InlineData("return a * b;")]
    [InlineData("return a / b;")]
    [InlineData("return a.sum(1).narrow(0, 0, 1);")]
    [InlineData("return addmm(a, a, b, beta: 1, alpha: -2);")]
    [InlineData("using var r = rate.ToScalar(); return a.addcdiv_(a, b, value: r);")]
    public async Task A_held_scalar_or_an_operation_without_one_is_not_reported(string body)
    {
        Assert.Empty(await FindingsIn(body));
    }
}
