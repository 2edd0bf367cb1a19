using Microsoft.Data.Sqlite;
using RqVae.Catalogue.Stores;
using RqVae.Cli.Tests.Support;
using RqVae.Data.IdTables;
using RqVae.SemanticIds;
using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Commands;

/// <summary>`rqvae catalogue import` and `export`: an ID table into a store and back, with the tiny model (2 levels × 4 codes, 64 items: many collisions).</summary>
public sealed class CatalogueCommandTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>, IDisposable
{
    private readonly TemporaryDirectory dir = new();

    [Theory]
    [InlineData("ids.csv")]
    [InlineData("ids.parquet")]
    public void A_unique_table_imported_and_exported_by_the_tool_is_the_table_encode_wrote(string name)
    {
        var table = dir.File(name);
        var store = dir.File("catalogue.db");
        var back = dir.File("back-" + name);
        var encode = Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", table, "--unique");
        Assert.True(encode.ExitCode == 0, encode.ToString());

        var import = ToolProcess.Run(dir.Path, TimeSpan.FromMinutes(2), "catalogue", "import", table, "--store", store, "--model", model.ModelPath);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains("Imported 64 items", import.Output);
        Assert.Contains("64 stored now, 0 already there", import.Output);
        var export = ToolProcess.Run(dir.Path, TimeSpan.FromMinutes(2), "catalogue", "export", "--store", store, "-o", back);
        Assert.True(export.ExitCode == 0, export.ToString());

        var expected = SemanticIdTableReader.Read(table);
        var actual = SemanticIdTableReader.Read(back);
        Assert.Equal(3, expected.Levels); // 2 codes and the extra code
        Assert.Equal(expected.ItemIds, actual.ItemIds);
        Assert.Equal(expected.Codes.ToArray(), actual.Codes.ToArray());
        Assert.Equal(expected.ModelHash, actual.ModelHash);
        Assert.Equal(File.ReadAllText(IdTableMetadata.SidecarPath(table)), File.ReadAllText(IdTableMetadata.SidecarPath(back)));
        if (name.EndsWith(".csv", StringComparison.Ordinal)) Assert.Equal(File.ReadAllBytes(table), File.ReadAllBytes(back));
        // The tiny model's 64 items share 16 codes at most, so the store holds collision codes above 0 and keeps them.
        Assert.Contains(Enumerable.Range(0, expected.Count), r => expected.Code(r, 2) > 0);

        // Importing it again changes nothing.
        var again = Tool.Run("catalogue", "import", table, "--store", store, "--model", model.ModelPath);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("0 stored now, 64 already there with the same IDs", again.Output);
    }

    [Fact]
    public void A_table_of_another_model_is_refused_and_no_store_is_made()
    {
        var table = dir.File("ids.csv");
        var encode = Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", table, "--unique");
        Assert.True(encode.ExitCode == 0, encode.ToString());
        var read = SemanticIdTableReader.Read(table);
        var foreign = dir.File("foreign.csv");
        SemanticIdTableWriter.Write(foreign, new SemanticIdTable([.. read.ItemIds!], read.Codes.ToArray(), read.Levels, new string('e', 64)));
        var store = dir.File("catalogue.db");
        var result = Tool.Run("catalogue", "import", foreign, "--store", store, "--model", model.ModelPath);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("produced by another model", result.Error);
        Assert.False(File.Exists(store));
    }

    [Fact]
    public async Task A_store_of_another_model_is_refused_with_both_hashes()
    {
        var table = dir.File("ids.csv");
        Assert.Equal(0, Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", table, "--unique").ExitCode);
        var store = dir.File("catalogue.db");
        await (await CatalogueStores.OpenAsync(store, new CatalogueModel(new string('d', 64), 2, 4))).DisposeAsync();
        var result = Tool.Run("catalogue", "import", table, "--store", store, "--model", model.ModelPath);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("the store keeps the IDs of model " + new string('d', 64), result.Error);
        Assert.Contains(SemanticIdTableReader.Read(table).ModelHash!, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void Tables_without_item_ids_or_with_a_repeated_id_are_refused_naming_the_problem()
    {
        var hash = SemanticIdTableReader.Read(Encoded()).ModelHash!;
        var noIds = dir.Write("no-ids.csv", "c0,c1,c2\n1,2,0\n");
        File.WriteAllText(IdTableMetadata.SidecarPath(noIds), $$"""{"format":"Csv","levels":3,"rows":1,"model_hash":"{{hash}}"}""");
        var missing = Tool.Run("catalogue", "import", noIds, "--store", dir.File("a.db"), "--model", model.ModelPath);
        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.Contains("expected columns item_id, c0, c1", missing.Error);

        var repeated = dir.Write("repeated.csv", "item_id,c0,c1,c2\nx,1,2,0\ny,1,2,1\nx,3,3,0\n");
        File.WriteAllText(IdTableMetadata.SidecarPath(repeated), $$"""{"format":"Csv","levels":3,"rows":3,"model_hash":"{{hash}}"}""");
        var twice = Tool.Run("catalogue", "import", repeated, "--store", dir.File("b.db"), "--model", model.ModelPath);
        Assert.Equal(ExitCodes.BadInput, twice.ExitCode);
        Assert.Contains("id 'x' appears twice, in rows 1 and 3", twice.Error);
    }

    [Fact]
    public void Export_refuses_an_existing_table_unless_overwrite_and_a_missing_store_says_so()
    {
        var store = dir.File("catalogue.db");
        Assert.Equal(0, Tool.Run("catalogue", "import", Encoded(), "--store", store, "--model", model.ModelPath).ExitCode);
        var output = dir.Write("out.csv", "keep me\n");
        var refused = Tool.Run("catalogue", "export", "--store", store, "-o", output);
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("already exists. Pass --overwrite", refused.Error);
        Assert.Equal("keep me\n", File.ReadAllText(output));
        var replaced = Tool.Run("catalogue", "export", "--store", store, "-o", output, "--overwrite");
        Assert.True(replaced.ExitCode == 0, replaced.ToString());
        Assert.Equal(64, SemanticIdTableReader.Read(output).Count);

        var none = Tool.Run("catalogue", "export", "--store", dir.File("nothing-here.db"), "-o", dir.File("x.csv"));
        Assert.Equal(ExitCodes.BadInput, none.ExitCode);
        Assert.Contains("there is no catalogue store here yet", none.Error);
        Assert.False(File.Exists(dir.File("nothing-here.db")));
        Assert.False(File.Exists(dir.File("x.csv")));
    }

    private string Encoded()
    {
        var table = dir.File("encoded.csv");
        if (!File.Exists(table)) Assert.Equal(0, Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", table, "--unique").ExitCode);
        return table;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        dir.Dispose();
    }
}
