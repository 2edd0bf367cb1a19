using System.CommandLine;
using RqVae.Cli.Models;
using RqVae.Cli.Options;
using RqVae.Cli.Output;
using RqVae.Onnx;
using RqVae.Tokenizers;

namespace RqVae.Cli.Commands;

/// <summary><c>rqvae export MODEL -o model.onnx [--verify ITEMS]</c>: the model's greedy encoding as one ONNX graph, optionally checked against the tool on items.</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var model = ModelArgument.Create();
        var output = new Option<string>("--output", "-o")
        {
            Description = "The ONNX file to write: input `features` float32 [N, D]; outputs `codes` int64 [N, L] (the greedy IDs) and `latent` float32; the model's weights hash and identity in its metadata.",
            Required = true,
        };
        var verify = new Option<string?>("--verify")
        {
            Description = "Items (any input format, see `rqvae train --help`) to encode with the tool and with ONNX Runtime on the written file; prints the share of identical IDs and exits with 5 unless it is 100.00 %.",
            HelpName = "ITEMS",
        };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Items read and encoded at a time by --verify.",
            DefaultValueFactory = _ => 4096,
        };
        var overwrite = OverwriteOption.Create("an ONNX file exported by rqvae");
        var input = new InputOptionSet();
        var command = new Command("export", "Write a trained model as an ONNX graph (features → semantic IDs) for ONNX Runtime, Python, Spark or Ray; only greedy encoding is exported.")
        {
            model, output, verify, batchSize, overwrite,
        };
        input.AddTo(command);
        command.SetAction(parse => Run(context, parse, parse.GetValue(model)!, parse.GetValue(output)!, parse.GetValue(verify), parse.GetValue(batchSize), parse.GetValue(overwrite), input));
        return command;
    }

    private static int Run(CliContext context, ParseResult parse, string modelPath, string outputPath, string? verifyPath, int batchSize, bool overwrite, InputOptionSet input)
    {
        if (batchSize < 1) throw new CliException($"--batch-size must be at least 1 (got {batchSize}).", ExitCodes.Usage);
        string[] inputs = verifyPath is null ? [modelPath] : [modelPath, .. OutputPlacement.ItemInputs(verifyPath, parse.GetValue(input.IdsFile))];
        using var claim = ExistingOutput.Claim(outputPath, overwrite, inputs);
        if (File.Exists(outputPath) && OnnxExporter.TryRead(outputPath) is not { ProducerName: OnnxModelMetadata.ProducerName })
            throw new CliException($"'{outputPath}' is not an ONNX file exported by rqvae, so --overwrite does not replace it; choose another output or remove it yourself.");
        using var folder = ModelFolder.Load(modelPath);
        try
        {
            OnnxExporter.Write(folder.Tokenizer, outputPath);
        }
        catch (OnnxExportException e)
        {
            throw new CliException($"the model in '{modelPath}' cannot be exported: {e.Message}", ExitCodes.Usage);
        }
        context.Status($"Wrote the {folder.Tokenizer.Kind} model's greedy encoding ({folder.Tokenizer.Levels} codes of {folder.Tokenizer.CodebookSize}) to {Path.GetFullPath(outputPath)} as ONNX (opset {OnnxExporter.Opset}).");
        if (verifyPath is null) return ExitCodes.Success;

        var agreement = Verify(context, parse, folder, outputPath, verifyPath, batchSize, input);
        context.Output.WriteLine($"IDs identical between rqvae and ONNX Runtime: {agreement.Percent} ({agreement.Identical:N0} of {agreement.Items:N0} items)");
        if (agreement.IsComplete) return ExitCodes.Success;
        context.Error.WriteLine($"rqvae: {agreement.Items - agreement.Identical:N0} items got other IDs from ONNX Runtime than from the tool; the file was written, but it does not reproduce the tool's IDs on '{verifyPath}'.");
        return ExitCodes.CheckFailed;
    }

    /// <summary>Encodes every item with the tool's own greedy encoder and with ONNX Runtime on the written file, batch by batch.</summary>
    private static IdAgreement Verify(CliContext context, ParseResult parse, ModelFolder folder, string onnxPath, string itemsPath, int batchSize, InputOptionSet input)
    {
        using var tool = folder.Tokenizer.CreateEncoder(new EncodingOptions());
        using var onnx = new OnnxIdEncoder(File.ReadAllBytes(onnxPath));
        using var embedding = input.Embedding(parse, context);
        var agreement = new IdAgreement(0, 0);
        foreach (var batch in input.Source(parse, itemsPath).ReadBatches(batchSize, embedding, context.Cancellation))
        {
            folder.CheckDimension(batch.Features.Dimension, itemsPath);
            var features = batch.Features.Values;
            agreement += IdAgreement.Of(tool.Encode(features), onnx.Encode(features));
        }
        return agreement;
    }
}
