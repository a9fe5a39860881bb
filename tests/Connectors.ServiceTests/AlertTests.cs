using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Connectors.Alerts;
using Connectors.Api.Alerts;
using Connectors.Api.Connectors;
using Connectors.Connectors;
using Connectors.Imports;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Connectors.Tests;

[Collection(ServersCollection.Name)]
public sealed class AlertTests(ServersFixture servers) : IAsyncLifetime
{
    private ApiFactory _api = null!;
    private HttpClient _client = null!;
    private string _database = null!;
    private readonly ToggleSource _source = new();
    private IHost _worker = null!;

    public async Task InitializeAsync()
    {
        _database = await servers.CreateDatabaseAsync("alerts");
        _api = new ApiFactory(_database, servers.RedisConnectionString);
        _client = _api.CreateAdminClient();
        _worker = WorkerHost.Create(_database, servers.RedisConnectionString, configure: s =>
        {
            s.RemoveAll<IConnectorSource>();
            s.AddSingleton<IConnectorSource>(_source);
        });
    }

    public async Task DisposeAsync()
    {
        _worker.Dispose();
        _client.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task AFailedRunRaisesAnAlertThatReachesTheWebhookSignedAndRetriedAndAGoodRunResolvesIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync(refusals: 1);
        var webhook = await _client.PutAsJsonAsync("/api/compliance/alerts/webhook", new { url = receiver.Url, secret = "s3cret" });
        Assert.Equal(HttpStatusCode.OK, webhook.StatusCode);
        var id = await CreateConnectorAsync("Flaky");

        _source.Fail = true;
        var failed = await _worker.RunOnceAsync(id);

        var alerts = await AlertsAsync(id);
        var alert = Assert.Single(alerts);
        Assert.Equal((AlertKind.RunFailed, AlertSeverity.Error, AlertStatus.Open), (alert.Kind, alert.Severity, alert.Status));
        Assert.Contains("The source is down", alert.Reason);

        // The Api's delivery service sends it; the first attempt is refused with Retry-After: 1.
        var (body, signature, deliveredAt) = await WaitForAsync(() => receiver.Received.TryPeek(out var r) ? r : default, r => r.Body is not null);
        Assert.True(deliveredAt - receiver.Refused.Single() >= TimeSpan.FromSeconds(0.9), "the retry honoured Retry-After");
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("s3cret"), Encoding.UTF8.GetBytes(body)));
        Assert.Equal(expected, signature);
        var payload = JsonDocument.Parse(body).RootElement;
        Assert.Equal(id, payload.GetProperty("connectorId").GetGuid());
        Assert.Equal("Flaky", payload.GetProperty("connectorName").GetString());
        Assert.Equal("HR", payload.GetProperty("connectorType").GetString());
        Assert.Equal(failed!.Id, payload.GetProperty("runId").GetInt64());
        Assert.Equal("RunFailed", payload.GetProperty("kind").GetString());

        _source.Fail = false;
        await _worker.RunOnceAsync(id);

        Assert.Equal(AlertStatus.Resolved, Assert.Single(await AlertsAsync(id)).Status);
    }

    [Fact]
    public async Task RepeatedFailuresKeepOneAlertAndEscalate()
    {
        var id = await CreateConnectorAsync("Broken");
        _source.Fail = true;
        for (var i = 0; i < ImportRunner.ConsecutiveFailuresAlertThreshold; i++)
        {
            await _worker.RunOnceAsync(id);
        }

        var alerts = await AlertsAsync(id);
        var failed = alerts.Single(a => a.Kind == AlertKind.RunFailed);
        Assert.Equal(3, failed.Occurrences);
        var escalated = alerts.Single(a => a.Kind == AlertKind.ConsecutiveFailures);
        Assert.Equal(AlertSeverity.Critical, escalated.Severity);
        await using var db = _api.CreateDbContext();
        var connector = await db.Connectors.SingleAsync(c => c.Id == id);
        Assert.Equal(3, connector.ConsecutiveFailures);
        // Backoff grows with each failure but capturing never stops.
        Assert.True(connector.NextRunAt <= DateTimeOffset.UtcNow + ImportRunner.RetryDelay(3));
        Assert.True(ImportRunner.RetryDelay(3) > ImportRunner.RetryDelay(1));
    }

    [Fact]
    public async Task RejectedCredentialsNeedReauthenticationAndRaiseACriticalAlert()
    {
        var id = await CreateConnectorAsync("Expired token");
        _source.RejectCredentials = true;

        await _worker.RunOnceAsync(id);

        var status = await _client.GetFromJsonAsync<ConnectorStatusDto>($"/api/compliance/connectors/{id}/status", Json.Options);
        Assert.Equal(ConnectorStatus.NeedsReauth, status!.Status);
        Assert.Contains(await AlertsAsync(id), a => a.Kind == AlertKind.CredentialsRejected && a.Severity == AlertSeverity.Critical);
    }

    [Fact]
    public async Task AConnectorWithoutASuccessfulRunIsReportedByTheApiEvenWithNoWorker()
    {
        var id = await CreateConnectorAsync("Forgotten", new { interval = "PT1H" });
        await using (var db = _api.CreateDbContext())
        {
            await db.Connectors.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.CreatedAt, DateTimeOffset.UtcNow.AddHours(-5)));
        }
        var monitor = _api.Services.GetServices<IHostedService>().OfType<StalenessMonitor>().Single();

        await monitor.CheckAsync(CancellationToken.None);
        await monitor.CheckAsync(CancellationToken.None);

        var alert = Assert.Single(await AlertsAsync(id));
        Assert.Equal(AlertKind.NoSuccessfulRun, alert.Kind);
        Assert.Equal(2, alert.Occurrences);
        Assert.Contains("never completed a run", alert.Reason);
    }

    [Fact]
    public async Task AnEmptyRunAfterBusyRunsRaisesAZeroItemsAlert()
    {
        var id = await CreateConnectorAsync("Usually busy");
        _source.Items = 20;
        for (var i = 0; i < 3; i++)
        {
            await _worker.RunOnceAsync(id);
        }
        _source.Items = 0;
        await _worker.RunOnceAsync(id);

        Assert.Contains(await AlertsAsync(id), a => a.Kind == AlertKind.ZeroItems);
    }

    [Fact]
    public async Task AlertsAreAcknowledgedAndResolvedByPeopleWithTheActionAudited()
    {
        var id = await CreateConnectorAsync("Noisy");
        _source.Fail = true;
        await _worker.RunOnceAsync(id);
        var alert = Assert.Single(await AlertsAsync(id));

        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync($"/api/compliance/alerts/{alert.Id}/acknowledge", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _client.PostAsync($"/api/compliance/alerts/{alert.Id}/acknowledge", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync($"/api/compliance/alerts/{alert.Id}/resolve", null)).StatusCode);

        var resolved = Assert.Single(await AlertsAsync(id));
        Assert.Equal(("admin-api-key", "admin-api-key"), (resolved.AcknowledgedBy, resolved.ResolvedBy));
        await using var db = _api.CreateDbContext();
        var actions = await db.AuditRecords.Where(a => a.TargetId == alert.Id.ToString()).Select(a => a.Action).ToListAsync();
        Assert.Equal(["alert.acknowledged", "alert.resolved"], actions.Order());
    }

    [Fact]
    public async Task ARunThatDisagreesWithTheSourcesControlTotalRecordsTheMismatchAndRaisesAnAlert()
    {
        var id = await CreateConnectorAsync("Summarised");
        (_source.Items, _source.ControlTotal) = (3, 3);
        await _worker.RunOnceAsync(id);
        (_source.Items, _source.ControlTotal) = (3, 4);
        await _worker.RunOnceAsync(id);

        var history = (await _client.GetFromJsonAsync<Page<RunDto>>($"/api/compliance/connectors/{id}/history", Json.Options))!.Items;
        Assert.Equal([Runs.ReconciliationResult.Mismatch, Runs.ReconciliationResult.Matched], history.Select(r => r.Reconciliation));
        Assert.Equal("summary.xml: 4 expected, 3 read", history[0].ReconciliationDetail);
        var alert = Assert.Single(await AlertsAsync(id), a => a.Kind == AlertKind.ReconciliationMismatch);
        Assert.Contains("4 expected, 3 read", alert.Reason);
    }

    private async Task<Guid> CreateConnectorAsync(string name, object? schedule = null)
    {
        var response = await _client.PostAsJsonAsync("/api/compliance/connectors", new { name, type = "HR", schedule });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ConnectorDto>(Json.Options))!.Id;
    }

    private async Task<IReadOnlyList<AlertDto>> AlertsAsync(Guid connectorId) =>
        (await _client.GetFromJsonAsync<Page<AlertDto>>($"/api/compliance/alerts?connectorId={connectorId}", Json.Options))!.Items;

    private static async Task<T> WaitForAsync<T>(Func<T> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = read();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The webhook received nothing within 30 s.");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>An HR-typed source whose behaviour the test switches: fail, reject credentials, or emit N items.</summary>
    private sealed class ToggleSource : IConnectorSource
    {
        public bool Fail { get; set; }
        public bool RejectCredentials { get; set; }
        public int Items { get; set; }
        public long? ControlTotal { get; set; }

        public string Type => ConnectorTypes.Hr;

        public async Task ImportAsync(ImportContext context, CancellationToken cancellationToken)
        {
            if (RejectCredentials)
            {
                throw new SourceAuthenticationException("401 Unauthorized: token expired");
            }
            if (Fail)
            {
                throw new IOException("The source is down.");
            }
            if (Items > 0)
            {
                var person = ScriptedSource.Person("U-1", "someone@contoso.com");
                var batch = Enumerable.Range(0, Items)
                    .Select(i => ScriptedSource.Message($"{context.Run.Id}-{i}", person, [], $"message {i}")).ToList();
                await context.ImportBatchAsync(batch, null, cancellationToken);
            }
            if (ControlTotal is { } expected)
            {
                context.Reconcile("summary.xml", expected, Items);
            }
        }
    }
}
