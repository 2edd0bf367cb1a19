using System.Diagnostics;
using RqVae.Cli.Tests.Support;

using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Input;

/// <summary>An items path that is not a regular file is a bad input (exit 2) with a message saying what it is.</summary>
public sealed class ItemSourceTests
{
    [Fact]
    public void A_directory_as_items_says_it_is_a_directory()
    {
        using var dir = new TemporaryDirectory();
        var items = Directory.CreateDirectory(dir.File("items.csv")).FullName;
        var result = Tool.Run(["train", items, "-o", dir.File("model"), .. SyntheticItems.TinyModel]);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains($"the path is a directory; a file is expected (file '{items}')", result.Error);
        Assert.DoesNotContain("does not exist", result.Error);
    }

    [Fact]
    public async Task A_fifo_as_items_is_refused_instead_of_blocking()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TemporaryDirectory();
        var items = dir.File("items.csv");
        using (var mkfifo = Process.Start("mkfifo", [items]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        var run = Task.Run(() => Tool.Run(["train", items, "-o", dir.File("model"), .. SyntheticItems.TinyModel]));
        if (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30))) != run)
        {
            using (new FileStream(items, FileMode.Open, FileAccess.Write)) { } // frees the blocked reader
            Assert.Fail("train blocked on the FIFO instead of refusing it");
        }
        var result = await run;
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("the path is a named pipe (FIFO), not a regular file", result.Error);
    }
}
