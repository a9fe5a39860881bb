using Connectors.Alerts;
using Connectors.Api.Connectors;
using Connectors.Connectors;
using Connectors.Runs;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Connectors.Tests.RefinitivFiles;

namespace Connectors.Tests;

/// <summary>
/// Refinitiv (LSEG) Messenger end to end inside the services: a day's messages.xml and its summary.xml with
/// the control total, PGP-encrypted on a real OpenSSH server. The run reconciles what it read against the
/// summary, and messages a history request delivers again do not change the archive.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class RefinitivImportTests(ServersFixture servers, LocalSftpServer sftp) : IClassFixture<LocalSftpServer>, IAsyncLifetime
{
    private readonly VendorFileHarness _harness = new(servers, sftp);
    private readonly string _folder = "lseg-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        await _harness.StartAsync("refinitiv");
        await _harness.AddAccountsAsync(Jo.Email, Sam.Email);
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private void Deliver(string name, byte[] plain) => sftp.WriteFile($"{_folder}/{name}.gpg", VendorFiles.Encrypt(plain, name));

    private Task<ConnectorDto> CreateAsync() =>
        _harness.CreateAsync(ConnectorTypes.RefinitivMessenger, _folder, settings: s => s["sourceAccount"] = "lseg-firm-12");

    private static readonly string First = RefinitivMessage("msg-1", Jo, Sam, 0, "Firm at 1.0842?");
    private static readonly string Second = RefinitivMessage("msg-2", Sam, Jo, 1, "Yes, 10m");
    private static readonly string Third = RefinitivMessage("msg-3", Jo, Sam, 2, "Done, thanks");

    [Fact]
    public async Task ADayWhoseMessagesMatchItsSummaryIsReconciled()
    {
        Deliver("20261124_messages.xml", Messages("2026-11-24", First, Second, Third));
        Deliver("20261124_summary.xml", Summary("2026-11-24", 3));
        var connector = await CreateAsync();

        await _harness.RunAsync(connector.Id);

        var run = Assert.Single(await _harness.HistoryAsync(connector.Id));
        Assert.Equal(RunOutcome.Succeeded, run.Outcome);
        // The summary counts messages only: the join event in the file is neither an item nor counted.
        Assert.Equal(3, run.ItemsFromSource);
        Assert.Equal(ReconciliationResult.Matched, run.Reconciliation);
        Assert.Contains("20261124_messages.xml", run.ReconciliationDetail);
        Assert.Contains("3 expected, 3 read", run.ReconciliationDetail);
        Assert.DoesNotContain(await _harness.AlertsAsync(connector.Id), a => a.Kind == AlertKind.ReconciliationMismatch);
    }

    [Fact]
    public async Task ASummaryCountingMoreMessagesThanDeliveredIsAMismatchWithAnOpenAlert()
    {
        Deliver("20261124_messages.xml", Messages("2026-11-24", First, Second));
        Deliver("20261124_summary.xml", Summary("2026-11-24", 3));
        var connector = await CreateAsync();

        await _harness.RunAsync(connector.Id);

        var run = Assert.Single(await _harness.HistoryAsync(connector.Id));
        Assert.Equal(ReconciliationResult.Mismatch, run.Reconciliation);
        Assert.Contains("3 expected, 2 read", run.ReconciliationDetail);
        // What was delivered is archived all the same.
        Assert.Equal(2, run.ItemsFromSource);
        var alert = Assert.Single(await _harness.AlertsAsync(connector.Id), a => a.Kind == AlertKind.ReconciliationMismatch);
        Assert.Equal((AlertStatus.Open, AlertSeverity.Error, run.Id), (alert.Status, alert.Severity, alert.RunId));
        Assert.Contains("3 expected, 2 read", alert.Reason);
    }

    [Fact]
    public async Task MessagesAHistoryRequestDeliversAgainAreCountedAsDuplicatesAndTheArchiveIsUnchanged()
    {
        Deliver("20261124_messages.xml", Messages("2026-11-24", First, Second));
        Deliver("20261124_summary.xml", Summary("2026-11-24", 2));
        var connector = await CreateAsync();
        await _harness.RunAsync(connector.Id);
        await using var db = _harness.Api.CreateDbContext();
        var before = await db.Items.OrderBy(i => i.Id).Select(i => new { i.Id, i.VersionHash, i.EvidenceFileId }).ToListAsync();
        var copiesBefore = await db.Placements.CountAsync();

        Deliver("20261130_messages.xml", History("2026-11-30", First, Second));
        var again = await _harness.RunAsync(connector.Id);

        // Two messages read again, each a duplicate in both of its mailboxes.
        Assert.Equal((2L, 0L, 4L), (again.Counts.ItemsFromSource, again.Counts.ItemsImported, again.Counts.ItemsSkippedDuplicate));
        Assert.Empty(again.Counts.Imbalances());
        var after = await db.Items.OrderBy(i => i.Id).Select(i => new { i.Id, i.VersionHash, i.EvidenceFileId }).ToListAsync();
        Assert.Equal(before, after);
        Assert.Equal(4, copiesBefore);
        Assert.Equal(copiesBefore, await db.Placements.CountAsync());
        // The history file is kept as evidence of what was delivered, even though it added nothing.
        Assert.Equal(3, await db.EvidenceFiles.CountAsync());
    }
}
