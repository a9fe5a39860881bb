using System.Net;
using System.Net.Http.Json;
using Connectors.Api.Connectors;
using Connectors.Connectors;
using Connectors.Data;
using Connectors.Runs;
using Connectors.Sources.Http;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Connectors.Tests.SlackApi.FakeSlackWebApi;

namespace Connectors.Tests.SlackApi;

/// <summary>
/// A Slack connector configured through the API for the Web API mode, run by the worker's real Slack source
/// (the same one that imports exports): settings.slackApi and credentials.apiToken are all it takes.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class SlackConnectorApiModeTests(ServersFixture servers) : IAsyncLifetime
{
    private FakeSlackWebApi _slack = null!;
    private ApiFactory _api = null!;
    private HttpClient _client = null!;
    private IHost _worker = null!;

    public async Task InitializeAsync()
    {
        _slack = await StartAsync();
        _slack.AddUser("U1", "Alice", "alice@contoso.com");
        _slack.AddUser("U2", "Bob", "bob@contoso.com");
        var general = _slack.AddConversation("C1", "general", "public_channel", "U1", "U2");
        general.Post(Message("U1", Ts(DateTimeOffset.UtcNow.AddHours(-2)), "hello from the API"));
        general.Post(Message("U2", Ts(DateTimeOffset.UtcNow.AddHours(-1)), "and back"));

        var database = await servers.CreateDatabaseAsync("slackapi-wiring");
        _api = new ApiFactory(database, servers.RedisConnectionString);
        _client = _api.CreateAdminClient();
        _worker = WorkerHost.Create(database, servers.RedisConnectionString,
            configure: s => s.Configure<SourceHttpOptions>(o => o.AllowedHosts.Add("127.0.0.1")));
        await _worker.StartAsync();
        foreach (var email in new[] { "alice@contoso.com", "bob@contoso.com" })
        {
            (await _client.PostAsJsonAsync("/api/compliance/directory/accounts", new { email, displayName = email })).EnsureSuccessStatusCode();
        }
    }

    public async Task DisposeAsync()
    {
        await _worker.StopAsync();
        _worker.Dispose();
        _client.Dispose();
        await _api.DisposeAsync();
        await _slack.DisposeAsync();
    }

    [Fact]
    public async Task ASlackConnectorWithAnApiTokenReadsTheWorkspaceThroughTheWebApi()
    {
        var response = await _client.PostAsJsonAsync("/api/compliance/connectors", new
        {
            name = "Slack API",
            type = ConnectorTypes.Slack,
            settings = new { sourceAccount = "T0FAKE", slackApi = new { baseUrl = _slack.ApiUrl } },
            credentials = new { apiToken = Token },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var connector = (await response.Content.ReadFromJsonAsync<ConnectorDto>(Json.Options))!;

        var run = (await _worker.RunOnceAsync(connector.Id))!;

        Assert.Null(run.Error);
        Assert.Equal((RunOutcome.Succeeded, 2L, 4L), (run.Outcome, run.Counts.ItemsFromSource, run.Counts.ItemsImported));
        await using var scope = _worker.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConnectorsDbContext>();
        Assert.Equal(["and back", "hello from the API"], await db.Items.Select(i => i.BodyText!).OrderBy(t => t).ToListAsync());
    }

    [Fact]
    public async Task SlackApiSettingsAreValidatedWithTheFieldAtFault()
    {
        var response = await _client.PostAsJsonAsync("/api/compliance/connectors", new
        {
            name = "Slack API bad",
            type = ConnectorTypes.Slack,
            settings = new { sourceAccount = "T0FAKE", slackApi = new { baseUrl = "not a url" } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("settings.slackApi.baseUrl", await response.Content.ReadAsStringAsync());
    }
}
