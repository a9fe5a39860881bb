using Connectors.Worker;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWorkerServices();

var app = builder.Build();

// The worker serves only health endpoints, so the dashboard and orchestrators can watch it.
app.MapDefaultEndpoints();

app.Run();
