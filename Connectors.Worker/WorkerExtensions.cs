using Connectors.Alerts;
using Connectors.Scheduling;

namespace Connectors.Worker;

public static class WorkerExtensions
{
    public static IHostApplicationBuilder AddWorkerServices(this IHostApplicationBuilder builder)
    {
        builder.AddConnectorsCore();
        builder.Services.AddImportPipeline();
        builder.Services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<ImportScheduler>();
        builder.Services.AddAlerting();
        builder.Services.AddGovernance();
        return builder;
    }
}
