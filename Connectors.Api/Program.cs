using Connectors.Api;
using Connectors.Api.ApiKeys;
using Connectors.Api.Audit;
using Connectors.Api.Connectors;
using Connectors.Api.Signals;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiServices();

var app = builder.Build();

app.UseApiPipeline();
app.MapDefaultEndpoints();
app.MapApiDocuments();
app.MapConnectorsApi();
app.MapSignalsApi();
app.MapApiKeysApi();
app.MapAuditApi();

app.Run();
