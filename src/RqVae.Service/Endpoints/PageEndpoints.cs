using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace RqVae.Service.Endpoints;

/// <summary>
/// The catalogue browser at <c>/</c>: one HTML page, its stylesheet and script, compiled into the assembly, so it works
/// offline and needs no build step; it calls the same API as any client.
/// </summary>
internal static class PageEndpoints
{
    private static readonly Dictionary<string, (byte[] Bytes, string ContentType)> Files = Load();

    public static void MapPageEndpoints(this WebApplication app)
    {
        app.MapGet("/", () => Serve("index.html")).ExcludeFromDescription();
        app.MapGet("/page/{file}", (string file) => Serve(file)).ExcludeFromDescription();
    }

    private static Results<FileContentHttpResult, NotFound> Serve(string file)
        => Files.TryGetValue(file, out var f) ? TypedResults.File(f.Bytes, f.ContentType) : TypedResults.NotFound();

    private static Dictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(PageEndpoints).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("page/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var file = name["page/".Length..];
            var type = Path.GetExtension(file) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                _ => "application/octet-stream",
            };
            files[file] = (copy.ToArray(), type);
        }
        return files;
    }
}
