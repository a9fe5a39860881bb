using System.Net.Http.Json;
using Connectors.Alerts;
using Connectors.Api.Connectors;
using Connectors.Connectors;
using Connectors.Runs;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Connectors.Tests.VendorFiles;

namespace Connectors.Tests;

/// <summary>
/// Vendors delete files after a few weeks whether or not they were collected, and stop encrypting to an expired
/// key: the connector says how many days are left and alerts while there is still time to act.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class SourceRetentionTests(ServersFixture servers, LocalSftpServer sftp) : IClassFixture<LocalSftpServer>, IAsyncLifetime
{
    private static readonly Lazy<PgpTestKeys> ExpiringKey = new(() => PgpTestKeys.Generate("expiring-key-passphrase", validFor: TimeSpan.FromDays(10)));

    private readonly VendorFileHarness _harness = new(servers, sftp);
    private readonly string _folder = "retention-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        await _harness.StartAsync("retention");
        await _harness.AddAccountsAsync("alice@contoso.com", "bob@contoso.com");
        sftp.CreateFolder(_folder);
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private const string DayFile = "f123456.ib19.261124.xml";

    private static byte[] Day() => FileDump(("room-1", [Entered(Alice, T0), Message(Alice, T0 + 10, "morning"), Message(Bob, T0 + 20, "hi")]));

    /// <summary>A connector whose last successful run was <paramref name="days"/> days ago.</summary>
    private async Task<(ConnectorDto Connector, DateTimeOffset LastSuccess)> LastSucceededDaysAgoAsync(int days)
    {
        var connector = await _harness.CreateAsync(ConnectorTypes.InstantBloomberg, _folder);
        var lastSuccess = DateTimeOffset.UtcNow.AddDays(-days);
        await using var db = _harness.Api.CreateDbContext();
        await db.Connectors.Where(c => c.Id == connector.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.LastSuccessAt, lastSuccess));
        return (connector, lastSuccess);
    }

    private Task<ConnectorStatusDto?> StatusAsync(Guid id) =>
        _harness.Client.GetFromJsonAsync<ConnectorStatusDto>($"/api/compliance/connectors/{id}/status", Json.Options);

    private StalenessMonitor Monitor => _harness.Api.Services.GetServices<IHostedService>().OfType<StalenessMonitor>().Single();

    [Fact]
    public async Task FourDaysAfterTheLastSuccessfulRunTheStatusShowsSeventeenDaysLeftBeforeTheVendorDeletesFiles()
    {
        var (connector, lastSuccess) = await LastSucceededDaysAgoAsync(4);

        var retention = (await StatusAsync(connector.Id))!.SourceRetention!;

        Assert.Equal((21, 3), (retention.RetentionDays, retention.AlertAfterDays));
        Assert.InRange(retention.DaysLeft, 16.9, 17.0);
        Assert.Equal(lastSuccess, retention.CollectedUntil, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task FourDaysWithoutASuccessfulRunRaiseARetentionAlertThatTheNextGoodRunResolves()
    {
        var (connector, _) = await LastSucceededDaysAgoAsync(4);

        await Monitor.CheckAsync(CancellationToken.None);

        var raised = Assert.Single(await _harness.AlertsAsync(connector.Id), a => a.Kind == AlertKind.SourceRetentionAtRisk);
        Assert.Equal((AlertStatus.Open, AlertSeverity.Error), (raised.Status, raised.Severity));
        Assert.Contains("lost in 17 days", raised.Reason);

        sftp.WriteFile($"{_folder}/{DayFile}.gpg", Encrypt(Day(), DayFile));
        var run = await _harness.RunAsync(connector.Id);

        Assert.Equal(RunOutcome.Succeeded, run.Outcome);
        var resolved = Assert.Single(await _harness.AlertsAsync(connector.Id), a => a.Kind == AlertKind.SourceRetentionAtRisk);
        Assert.Equal(AlertStatus.Resolved, resolved.Status);
        Assert.InRange((await StatusAsync(connector.Id))!.SourceRetention!.DaysLeft, 20.9, 21.0);
        // Checking again now finds nothing at risk.
        await Monitor.CheckAsync(CancellationToken.None);
        Assert.DoesNotContain(await _harness.AlertsAsync(connector.Id), a => a.Kind == AlertKind.SourceRetentionAtRisk && a.Status == AlertStatus.Open);
    }

    [Fact]
    public async Task APgpKeyExpiringInTenDaysRaisesAWarningAtEachRunUntilItIsRotated()
    {
        var key = ExpiringKey.Value;
        sftp.WriteFile($"{_folder}/{DayFile}.gpg", key.Encrypt(Day(), DayFile, armor: false, compress: true));
        var connector = await _harness.CreateAsync(ConnectorTypes.InstantBloomberg, _folder, pgp: key);

        var run = await _harness.RunAsync(connector.Id);

        // The key still works: the files are imported, and the administrator is warned while there is time.
        Assert.Equal(RunOutcome.Succeeded, run.Outcome);
        var warning = Assert.Single(await _harness.AlertsAsync(connector.Id), a => a.Kind == AlertKind.KeyExpiring);
        Assert.Equal((AlertStatus.Open, AlertSeverity.Warning), (warning.Status, warning.Severity));
        Assert.Contains("10 days", warning.Reason);

        var rotated = await _harness.Client.PutAsJsonAsync($"/api/compliance/connectors/{connector.Id}", new { credentials = _harness.Credentials() });
        rotated.EnsureSuccessStatusCode();
        await _harness.RunAsync(connector.Id);

        var after = Assert.Single(await _harness.AlertsAsync(connector.Id), a => a.Kind == AlertKind.KeyExpiring);
        Assert.Equal(AlertStatus.Resolved, after.Status);
    }
}
