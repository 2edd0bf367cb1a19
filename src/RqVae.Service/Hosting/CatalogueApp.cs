using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using RqVae.Service.Endpoints;

namespace RqVae.Service.Hosting;

/// <summary>Builds the web application that serves a <see cref="CatalogueService"/>: Kestrel, the endpoints, health, metrics, OpenAPI and the page.</summary>
public static class CatalogueApp
{
    /// <summary>
    /// The application, not started. It listens on the service options' URLs, always in the Production environment (so an
    /// unhandled failure is a problem without a stack trace whatever ASPNETCORE_ENVIRONMENT says).
    /// </summary>
    /// <param name="service">What the endpoints call.</param>
    /// <param name="minimumLogLevel">Least severe log written to the console. Default Warning: requests are counted in /metrics, not logged.</param>
    public static WebApplication Build(CatalogueService service, LogLevel minimumLogLevel = LogLevel.Warning)
    {
        ArgumentNullException.ThrowIfNull(service);
        var options = service.Options;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ApplicationName = typeof(CatalogueApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Logging.ClearProviders().AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(minimumLogLevel);
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        });
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.ConfigureHttpJsonOptions(j => ServiceJson.Apply(j.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton(service);
        builder.Services.AddHealthChecks()
            .AddAsyncCheck("store", async cancellationToken => await service.Store.PingAsync(cancellationToken)
                ? HealthCheckResult.Healthy($"{service.Store.Location} answers")
                : HealthCheckResult.Unhealthy($"{service.Store.Location} does not answer"), tags: ["ready"])
            .AddCheck("model", () => HealthCheckResult.Healthy($"{service.Model.Tokenizer.Kind} model {service.Model.Identity.ModelSha256} loaded"), tags: ["ready"]);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseHttpMetrics(m =>
        {
            m.RequestCount.Registry = service.Metrics.Registry;
            m.RequestDuration.Registry = service.Metrics.Registry;
            m.InProgress.Registry = service.Metrics.Registry;
        });
        service.Metrics.Watch(service.Store);

        app.MapItemEndpoints();
        app.MapIdEndpoints();
        app.MapPrefixEndpoints();
        app.MapEncodeEndpoints();
        app.MapSearchEndpoints();
        app.MapPageEndpoints();
        app.MapOpenApi();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapMetrics("/metrics", service.Metrics.Registry);
        return app;
    }
}
