using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace RqVae.Analyzers;

/// <summary>
/// Finds every TorchSharp <c>Scalar</c> that is created for one native call and referenced by nothing while that call
/// runs. TorchSharp passes a Scalar to libtorch as a raw pointer, so once its handle is read the managed object is
/// garbage; a collection started by any other thread during the call queues it for finalization, and the finalizer
/// frees the native scalar while libtorch still reads it. The call then fails with libtorch's "Expected false to be
/// true" from <c>Scalar::toFloat</c>, or, when the freed memory already holds another scalar, computes with the wrong
/// number: a crash or a silently different weight or ID, depending on timing. Such a Scalar arises from an implicit
/// conversion in our code (<c>t * 0.5</c>, <c>t.pow(2)</c>) or inside a TorchSharp member that makes one of its own
/// (<c>a + b</c> and <c>add(b)</c> pass an alpha of 1). A Scalar held in a <c>using</c> local or a static field stays
/// referenced for the whole call: <c>RqVae.Platform.Scalars</c> has the common constants.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnrootedScalarAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "RQ0001";

    private static readonly DiagnosticDescriptor Rule = new(
        Id,
        "TorchSharp scalar that the garbage collector can free during the native call",
        "{0}: a temporary TorchSharp Scalar is referenced by nothing while libtorch reads it, and a collection on another thread can free it mid-call; pass a Scalar held in a using local or a static field (RqVae.Platform.Scalars)",
        "Reliability",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "An implicit conversion to TorchSharp.Scalar, or a TorchSharp member that creates a Scalar internally, makes a native scalar whose only owner is its finalizer.");

    // Members whose TorchSharp implementation creates a Scalar of its own (an alpha or value of 1) for the native call.
    private static readonly ImmutableHashSet<(string Name, int Arguments)> InternalScalarMethods =
        ImmutableHashSet.Create(("add", 1), ("add_", 1), ("addcdiv", 2), ("addcdiv_", 2));

    // TorchSharp's optimizers, whose step makes a temporary Scalar of every rate and beta; RqVae.Training.Optimizers has
    // the same arithmetic with the scalars held.
    private static readonly ImmutableHashSet<string> Optimizers = ImmutableHashSet.Create(
        "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "ASGD", "NAdam", "RAdam", "RMSProp", "Rprop", "SGD", "LBFGS");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var scalar = start.Compilation.GetTypeByMetadataName("TorchSharp.Scalar");
            var tensor = start.Compilation.GetTypeByMetadataName("TorchSharp.torch+Tensor");
            if (scalar is null || tensor is null) return;
            start.RegisterOperationAction(c => AnalyzeConversion(c, scalar), OperationKind.Conversion);
            start.RegisterOperationAction(c => AnalyzeBinary(c, tensor), OperationKind.Binary);
            start.RegisterOperationAction(c => AnalyzeCompoundAssignment(c, tensor), OperationKind.CompoundAssignment);
            var optim = start.Compilation.GetTypeByMetadataName("TorchSharp.torch+optim");
            start.RegisterOperationAction(c => AnalyzeInvocation(c, tensor, optim), OperationKind.Invocation);
        });
    }

    private static void AnalyzeConversion(OperationAnalysisContext context, INamedTypeSymbol scalar)
    {
        var conversion = (IConversionOperation)context.Operation;
        if (conversion.OperatorMethod is { } method && SymbolEqualityComparer.Default.Equals(method.ContainingType, scalar)
            && SymbolEqualityComparer.Default.Equals(conversion.Type, scalar))
            context.ReportDiagnostic(Diagnostic.Create(Rule, conversion.Syntax.GetLocation(), $"implicit conversion of {conversion.Operand.Type?.ToDisplayString() ?? "a value"} to Scalar"));
    }

    private static void AnalyzeBinary(OperationAnalysisContext context, INamedTypeSymbol tensor)
    {
        var binary = (IBinaryOperation)context.Operation;
        if (CreatesScalar(binary.OperatorMethod, tensor))
            context.ReportDiagnostic(Diagnostic.Create(Rule, binary.Syntax.GetLocation(), $"Tensor operator {binary.OperatorKind}"));
    }

    private static void AnalyzeCompoundAssignment(OperationAnalysisContext context, INamedTypeSymbol tensor)
    {
        var assignment = (ICompoundAssignmentOperation)context.Operation;
        if (CreatesScalar(assignment.OperatorMethod, tensor))
            context.ReportDiagnostic(Diagnostic.Create(Rule, assignment.Syntax.GetLocation(), $"Tensor operator {assignment.OperatorKind}="));
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, INamedTypeSymbol tensor, INamedTypeSymbol? optim)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (optim is not null && SymbolEqualityComparer.Default.Equals(method.ContainingType, optim) && Optimizers.Contains(method.Name))
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation(), $"optim.{method.Name}, whose step makes a temporary Scalar of every rate (use RqVae.Training.Optimizers)"));
            return;
        }
        if (!SymbolEqualityComparer.Default.Equals(method.ContainingType, tensor)) return;
        // Only the overloads without the alpha (or value) parameter create one.
        if (InternalScalarMethods.Contains((method.Name, method.Parameters.Length)))
            context.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation(), $"Tensor.{method.Name} without its scalar argument"));
    }

    // A Tensor operator creates a Scalar of its own when an operand is a number (converted inside TorchSharp), when it
    // adds (an alpha of 1), or when a Scalar is on its left of - or / (negative().add, reciprocal().mul).
    private static bool CreatesScalar(IMethodSymbol? method, INamedTypeSymbol tensor)
    {
        if (method is null || !SymbolEqualityComparer.Default.Equals(method.ContainingType, tensor)) return false;
        if (method.Parameters.Any(p => p.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Single or SpecialType.System_Double))
            return true;
        if (method.Name == "op_Addition") return true;
        return method.Name is "op_Subtraction" or "op_Division" && !SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, tensor);
    }
}
