using System.Diagnostics;
using RqVae.Cli.Tests.Support;

using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Models;

/// <summary>A model folder whose files are not regular files is refused by the real tool instead of blocking it.</summary>
public sealed class ModelFolderTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Theory]
    [InlineData("model.safetensors")]
    [InlineData("config.json")]
    public void A_fifo_in_the_model_folder_is_refused_at_once(string file)
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TemporaryDirectory();
        var copy = Directory.CreateDirectory(dir.File("model")).FullName;
        foreach (var source in Directory.EnumerateFiles(model.ModelPath)) File.Copy(source, Path.Combine(copy, Path.GetFileName(source)));
        File.Delete(Path.Combine(copy, file));
        using (var mkfifo = Process.Start("mkfifo", [Path.Combine(copy, file)]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        // The child is killed after the timeout, so a regression fails this test instead of hanging the suite.
        var result = ToolProcess.Run(dir.Path, TimeSpan.FromSeconds(60), "encode", copy, model.ItemsPath, "-o", dir.File("ids.csv"));
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("named pipe (FIFO), not a regular file", result.Error);
        Assert.False(File.Exists(dir.File("ids.csv")));
    }
}
