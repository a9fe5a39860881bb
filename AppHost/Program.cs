using Connectors.AppHost;
using Connectors.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

var infrastructure = builder.AddConnectorsInfrastructure();
builder.AddConnectorsServices(infrastructure);

builder.Build().Run();
