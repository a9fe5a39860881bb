using Connectors.Api;
using Connectors.Api.Alerts;
using Connectors.Api.ApiKeys;
using Connectors.Api.Governance;
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
app.MapMappingApis();
app.MapApiKeysApi();
app.MapGovernanceApi();
app.MapAlertsApi();

app.Run();
