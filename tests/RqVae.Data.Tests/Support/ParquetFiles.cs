using Parquet;
using Parquet.Schema;

namespace RqVae.Data.Tests.Support;

/// <summary>Hand-made Parquet inputs, written directly with Parquet.Net (independent of the code under test).</summary>
public static class ParquetFiles
{
    public static void WriteListFeatures(string path, string[] ids, float[][] rows, string idName = "id", string listName = "features")
    {
        var idField = new DataField<string>(idName);
        var list = new ListField(listName, new DataField<float>("element"));
        var schema = new ParquetSchema(idField, list);
        var values = rows.SelectMany(r => r).ToArray();
        var repetitions = rows.SelectMany(r => r.Select((_, i) => i == 0 ? 0 : 1)).ToArray();
        Task.Run(async () =>
        {
            await using var stream = File.Create(path);
            await using var writer = await ParquetWriter.CreateAsync(schema, stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(idField, ids);
            var item = (DataField)list.Item;
            var definitions = Enumerable.Repeat(item.MaxDefinitionLevel, values.Length).ToArray();
            await group.WriteAllPartsAsync<float>(item, values.AsMemory(), definitions.AsMemory(), repetitions.AsMemory(), CancellationToken.None);
        }).GetAwaiter().GetResult();
    }

    public static void WriteColumnFeatures(string path, long[] ids, params (string Name, double?[] Values)[] columns)
    {
        var idField = new DataField<long>("id");
        var fields = columns.Select(c => new DataField<double?>(c.Name)).ToArray();
        var schema = new ParquetSchema([idField, .. fields]);
        Task.Run(async () =>
        {
            await using var stream = File.Create(path);
            await using var writer = await ParquetWriter.CreateAsync(schema, stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(idField, ids.AsMemory(), null);
            for (var c = 0; c < columns.Length; c++)
                await group.WriteAsync<double>(fields[c], columns[c].Values.AsMemory(), null);
        }).GetAwaiter().GetResult();
    }

    public static void WriteTexts(string path, string[] ids, string?[] titles, string?[] bodies)
    {
        var idField = new DataField<string>("id");
        var title = new DataField<string>("title");
        var body = new DataField<string>("body");
        var schema = new ParquetSchema(idField, title, body);
        Task.Run(async () =>
        {
            await using var stream = File.Create(path);
            await using var writer = await ParquetWriter.CreateAsync(schema, stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(idField, ids);
            await group.WriteAsync(title, titles!);
            await group.WriteAsync(body, bodies!);
        }).GetAwaiter().GetResult();
    }
}
