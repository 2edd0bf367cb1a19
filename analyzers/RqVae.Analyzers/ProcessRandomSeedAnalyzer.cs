using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace RqVae.Analyzers;

/// <summary>
/// Finds a <c>System.Random</c> seeded from <c>HashCode</c> or from <c>GetHashCode()</c>. .NET seeds both at random in
/// every process (for strings and for <c>HashCode.Combine</c>), so such a generator draws differently in each run of the
/// same program: the shuffle, the sample, the "seeded" table are not what the seed promises.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ProcessRandomSeedAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "RQ0002";

    private static readonly DiagnosticDescriptor Rule = new(
        Id,
        "Random seeded from a hash code that changes from process to process",
        "{0} is seeded at random in every process, so this Random draws differently in each run; derive the seed with fixed arithmetic (RqVae.Recommender.StableSeed or a plain expression of the seed)",
        "Reliability",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var random = start.Compilation.GetTypeByMetadataName("System.Random");
            var hashCode = start.Compilation.GetTypeByMetadataName("System.HashCode");
            if (random is null) return;
            start.RegisterOperationAction(c =>
            {
                var creation = (IObjectCreationOperation)c.Operation;
                if (!SymbolEqualityComparer.Default.Equals(creation.Type, random) || creation.Arguments.Length == 0) return;
                var culprit = creation.Arguments[0].Descendants().OfType<IInvocationOperation>().FirstOrDefault(i =>
                    i.TargetMethod.Name == "GetHashCode" || (hashCode is not null && SymbolEqualityComparer.Default.Equals(i.TargetMethod.ContainingType, hashCode)));
                if (culprit is not null)
                    c.ReportDiagnostic(Diagnostic.Create(Rule, creation.Syntax.GetLocation(), culprit.TargetMethod.ContainingType.Name + "." + culprit.TargetMethod.Name));
            }, OperationKind.ObjectCreation);
        });
    }
}
