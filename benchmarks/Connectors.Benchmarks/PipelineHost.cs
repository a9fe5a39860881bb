using Microsoft.Extensions.DependencyInjection.Extensions;
using Connectors.Credentials;
using Connectors.Data;
using Connectors.Imports;
using Connectors.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Connectors.Benchmarks;

/// <summary>
/// The worker's import wiring: the DbContext as the worker registers it (Aspire integration, pooled, no
/// retrying strategy), the system clock, credential protection (the vendor file sources decrypt their
/// connector's credentials with it; the master key is made up per process) and the import pipeline, with
/// <see cref="ReplaySource"/> as the Slack source when given. Redis and the scheduler are left out: a run
/// does not use them.
/// </summary>
internal static class PipelineHost
{
    public static IHost Build(string connectionString, ReplaySource? source = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{ResourceNames.Database}"] = connectionString,
            // Warnings and errors only: a console line per run would be noise in the report, not load.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Credentials:MasterKey"] = "benchmark-" + Guid.NewGuid().ToString("N"),
        });
        builder.AddConnectorsData();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddCredentialProtection();
        builder.Services.AddImportPipeline();
        if (source is not null)
        {
            // The replay stands in for the real Slack source (the runner takes the first source of a type).
            builder.Services.RemoveAll<IConnectorSource>();
            builder.Services.AddSingleton<IConnectorSource>(source);
        }
        return builder.Build();
    }

    /// <summary>One run of the connector exactly as the scheduler starts it; a failed run is an error here.</summary>
    public static async Task<ImportRun> RunOnceAsync(this IHost host, Guid connectorId, CancellationToken cancellationToken)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var runner = scope.ServiceProvider.GetRequiredService<ImportRunner>();
        var run = await runner.RunAsync(connectorId, RunTrigger.Manual, "benchmark", cancellationToken)
            ?? throw new InvalidOperationException($"Connector {connectorId} was not run (missing, disabled or without a source).");
        if (run.Outcome != RunOutcome.Succeeded)
        {
            throw new InvalidOperationException($"Pipeline run {run.Id} ended {run.Outcome}: {run.Error}");
        }
        return run;
    }
}
