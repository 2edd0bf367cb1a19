using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using RqVae.Catalogue.Stores;
using RqVae.Service;
using RqVae.Service.Hosting;

namespace RqVae.Cli.Commands;

/// <summary>
/// <c>rqvae serve MODEL --store PATH</c>: the catalogue service, which gives each item of a living catalogue its ID once
/// and keeps it, with the browser page at <c>/</c>. Runs until SIGTERM or Ctrl-C, then finishes the requests in flight
/// and exits 0.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var modelArgument = ModelArgument.Create();
        var store = new Option<string?>("--store")
        {
            Description = "Where the IDs are kept: an SQLite file (created on first start; default: <MODEL>.catalogue.db beside the model folder), " +
                          "or a PostgreSQL database (postgresql://user@host:port/db or Host=…;Database=…) that several services can share.",
        };
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen (port 0: any free port, printed at start). The default listens on loopback only.",
            DefaultValueFactory = _ => CatalogueServiceOptions.DefaultUrls,
        };
        var apiKeyFile = new Option<string?>("--api-key-file")
        {
            Description = "A file holding the key that writes (POST /items, DELETE /items/…) must send as \"Authorization: Bearer KEY\" or \"X-Api-Key: KEY\".",
        };
        var command = new Command("serve", "Serve a catalogue's semantic IDs over HTTP (JSON API, OpenAPI at /openapi/v1.json, a browser page at /): " +
                                           "each item gets its ID once, kept in the store and never recomputed.")
        {
            modelArgument, store, urls, apiKeyFile,
        };
        command.SetAction(parse =>
        {
            var modelPath = parse.GetValue(modelArgument)!;
            var options = new CatalogueServiceOptions { Urls = parse.GetValue(urls)!, ApiKey = ReadKey(parse.GetValue(apiKeyFile)) };
            return Run(context, modelPath, parse.GetValue(store) ?? DefaultStore(modelPath), options);
        });
        return command;
    }

    /// <summary>The SQLite store used when none is given: a file beside the model folder, named after it.</summary>
    public static string DefaultStore(string modelPath)
        => Path.GetFullPath(modelPath).TrimEnd(Path.DirectorySeparatorChar) + ".catalogue.db";

    /// <summary>Serves <paramref name="modelPath"/>'s IDs from <paramref name="storeLocation"/> until the context is cancelled.</summary>
    public static int Run(CliContext context, string modelPath, string storeLocation, CatalogueServiceOptions options)
        => RunAsync(context, modelPath, storeLocation, options).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(CliContext context, string modelPath, string storeLocation, CatalogueServiceOptions options)
    {
        using var model = ServedModel.Load(modelPath);
        ICatalogueStore store;
        try
        {
            store = await CatalogueStores.OpenAsync(storeLocation, model.Catalogue, context.Cancellation);
        }
        catch (CatalogueModelMismatchException e)
        {
            throw new CliException($"the store does not belong to the model in '{modelPath}': {e.Message}");
        }
        catch (CatalogueSchemaException e)
        {
            throw new CliException(e.Message);
        }
        catch (CatalogueStoreException e)
        {
            throw new CliException(e.Message, ExitCodes.Unavailable);
        }
        await using (store)
        {
            var service = new CatalogueService(model, store, options, new ServiceMetrics());
            await using var app = CatalogueApp.Build(service);
            try
            {
                await app.StartAsync(context.Cancellation);
            }
            catch (IOException e)
            {
                throw new CliException($"cannot listen on {options.Urls}: {e.Message} Choose another port with --urls.", ExitCodes.Unavailable);
            }
            var counts = await store.CountsAsync(context.Cancellation);
            var address = string.Join(", ", app.Urls);
            context.Output.WriteLine($"Serving {counts.Active:N0} items ({counts.Retired:N0} retired) of model {model.Identity.ModelSha256[..12]} from {store.Location}.");
            if (options.ApiKey is not null) context.Output.WriteLine("Writes require the API key.");
            if (!options.Urls.Contains("127.0.0.1", StringComparison.Ordinal) && !options.Urls.Contains("localhost", StringComparison.OrdinalIgnoreCase) && !options.Urls.Contains("[::1]", StringComparison.Ordinal))
                context.Error.WriteLine($"rqvae: warning: listening on {options.Urls}, beyond this machine{(options.ApiKey is null ? ", and anyone who reaches it can write (--api-key-file)" : "")}.");
            context.Output.WriteLine($"Listening on {address} (the page: {app.Urls.First()}/). Stop with Ctrl-C or SIGTERM.");
            context.Output.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, context.Cancellation);
            }
            catch (OperationCanceledException)
            {
            }
            // Stops accepting connections, then waits (up to the shutdown timeout) for the requests in flight: each is
            // answered, and what was acknowledged is in the store.
            await app.StopAsync(CancellationToken.None);
            context.Output.WriteLine($"Stopped ({context.StopCause}); every request in flight was answered.");
            return ExitCodes.Success;
        }
    }

    private static string? ReadKey(string? path)
    {
        if (path is null) return null;
        if (!File.Exists(path)) throw new CliException($"--api-key-file '{path}' does not exist. Write the key into a file readable only by you (chmod 600).");
        var key = File.ReadAllText(path).Trim();
        if (key.Length == 0) throw new CliException($"--api-key-file '{path}' is empty; write the key into it.");
        return key;
    }
}
