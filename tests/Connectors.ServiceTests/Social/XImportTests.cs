using System.Globalization;
using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Runs;
using Connectors.Sources.Social.X;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Tests.Social;

/// <summary>An X connector against a fake X API v2: posts, mentions, an edit, a 429 and a second run.</summary>
[Collection(ServersCollection.Name)]
public sealed class XImportTests(ServersFixture servers) : IAsyncLifetime
{
    private const string Account = "783214";
    private const string UploadPrefix = global::Connectors.Sources.Files.PushedFiles.UploadPrefix;
    private const string Fan = "555";
    private const string Partner = "777";
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private SocialHarness _harness = null!;
    private FakeX X => _harness.Apis.X;

    public async Task InitializeAsync()
    {
        _harness = await SocialHarness.StartAsync(servers, "social_x");
        X.AddUser(Account, "contoso", "Contoso");
        X.AddUser(Fan, "fan", "A Fan");
        X.AddUser(Partner, "partner", "A Partner");
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private Task<Guid> AddConnectorAsync(string token = "x-bearer-token", string account = Account, int complianceWaitSeconds = 120)
    {
        var settings = new XSettings(AccountId: account, StorageMailbox: SocialHarness.StorageMailbox, BaseUrl: _harness.Apis.BaseAddress + "/2/", PageSize: 5,
            ComplianceWaitSeconds: complianceWaitSeconds);
        SocialHarness.AssertValid(settings, ConnectorTypes.Twitter);
        return _harness.AddConnectorAsync(ConnectorTypes.Twitter, settings, new XCredentials(token), lookback: TimeSpan.FromHours(1));
    }

    /// <summary>Six posts (the third edited) and two mentions.</summary>
    private (List<string> Posts, string Original, string Edit) Seed()
    {
        var posts = Enumerable.Range(0, 6)
            .Select(i => X.Post("tweets", T0.AddHours(i), Account, $"Post {i}", mentionId: i == 1 ? Partner : null)).ToList();
        var edit = X.Edit("tweets", posts[2], T0.AddHours(2).AddMinutes(5), "Post 2, corrected");
        X.Post("mentions", T0.AddHours(1), Fan, "@contoso hello");
        X.Post("mentions", T0.AddHours(3), Fan, "@contoso again");
        return (posts, posts[2], edit);
    }

    [Fact]
    public async Task EveryDocnowCorpusFilePushedToTheConnectorIsImportedWithItsBadLinesAsFailedItems()
    {
        var connector = await AddConnectorAsync();
        var corpus = Path.Combine(RepositoryPaths.Root, "..", "shared", "corpus", "docnow-twarc-csv");
        var files = Directory.GetFiles(corpus).Where(f => !f.EndsWith("SOURCES.md", StringComparison.Ordinal)).Order().ToList();
        var store = new global::Connectors.Evidence.EvidenceStore(_harness.Db().Database.GetConnectionString()!);
        foreach (var file in files)
        {
            // What POST …/files does: the file as pushed goes to the evidence store under an upload path.
            await using var content = File.OpenRead(file);
            await store.StoreAsync(content, connector, null, UploadPrefix + $"{Guid.NewGuid()}/{Path.GetFileName(file)}",
                null, DateTimeOffset.UtcNow, CancellationToken.None);
        }

        var run = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Equal(17, files.Count);
        Assert.Null(run.Error);
        Assert.Empty(run.Counts.Imbalances());
        // 27 records in all; the empty file, the truncated line and the six list objects are 8 failed items.
        Assert.Equal((35L, 8L), (run.Counts.ItemsFromSource, run.Counts.ItemsFailed));
        Assert.Equal(global::Connectors.Runs.RunOutcome.Partial, run.Outcome);
        await using var db = _harness.Db();
        var failures = await db.Failures.Where(f => f.RunId == run.Id).Select(f => f.Reason).ToListAsync();
        Assert.Contains(failures, r => r.Contains("empty", StringComparison.OrdinalIgnoreCase));
        Assert.True(await db.Items.AnyAsync(i => i.ConnectorId == connector && i.VersionKind == global::Connectors.Archive.VersionKind.Deletion));
        Assert.True(await db.Items.AnyAsync(i => i.ConnectorId == connector && i.VersionKind == global::Connectors.Archive.VersionKind.Edit));
        Assert.All(await _harness.PlacementsAsync(connector), p => Assert.Equal(_harness.StorageAccount, p.Account));
    }

    [Fact]
    public async Task PostsAndMentionsLandInTheStorageMailboxOnlyAndAnEditIsAVersionOfTheOriginal()
    {
        var (_, original, edit) = Seed();
        X.RateLimitsLeft = 1;
        var connector = await AddConnectorAsync();

        var run = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Null(run.Error);
        Assert.Empty(run.Counts.Imbalances());
        Assert.Equal(RunOutcome.Succeeded, run.Outcome);
        // 6 posts on the timeline (one is the edit) + the original version from includes + 2 mentions.
        Assert.Equal((9L, 9L, 0L), (run.Counts.ItemsFromSource, run.Counts.ItemsImported, run.Counts.ItemsQuarantined));
        // The 429 (Retry-After: 1) was answered once and the request repeated.
        Assert.Equal(1, X.RateLimited);
        await using var db = _harness.Db();
        var versions = await db.Items.Where(i => i.SourceId == original).OrderBy(i => i.SentAt).ToListAsync();
        Assert.Equal([VersionKind.Original, VersionKind.Edit], versions.Select(v => v.VersionKind));
        Assert.Equal(["Post 2", "Post 2, corrected"], versions.Select(v => v.BodyText));
        Assert.Equal($"twitter:{Account}:{original}", versions[1].ItemKey);
        Assert.DoesNotContain(await db.Items.Select(i => i.SourceId).ToListAsync(), id => id == edit);
        Assert.Equal(["ipm.externaldata.twitter"], await db.Items.Select(i => i.ItemClass).Distinct().ToListAsync());
        var placements = await _harness.PlacementsAsync(connector);
        Assert.Equal(9, placements.Count);
        Assert.All(placements, p => Assert.Equal((_harness.StorageAccount, "Twitter"), p));
        var senders = await db.Items.Select(i => i.Sender).ToListAsync();
        Assert.Equal(2, senders.Count(s => s.Contains($"\"{Fan}\"", StringComparison.Ordinal)));
        Assert.Equal(ConnectorStatus.Active, await _harness.StatusAsync(connector));
    }

    [Fact]
    public async Task ASecondRunAsksFromALookbackBeforeTheNewestPostAndImportsOnlyWhatIsNew()
    {
        var (posts, _, _) = Seed();
        var connector = await AddConnectorAsync();
        await _harness.Worker.RunOnceAsync(connector);
        X.Post("tweets", T0.AddHours(6), Account, "Post 6");
        var edit5 = X.Edit("tweets", posts[5], T0.AddHours(6).AddMinutes(10), "Post 5, corrected");
        X.Post("mentions", T0.AddHours(7), Fan, "@contoso third time");
        var before = _harness.Apis.Requests.Count;

        var run = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Null(run.Error);
        Assert.Empty(run.Counts.Imbalances());
        // New: post 6, the edit of post 5, the third mention. Re-read inside the hour of lookback: post 4, post 5's
        // original (in includes) and the second mention.
        Assert.Equal((3L, 3L), (run.Counts.ItemsImported, run.Counts.ItemsSkippedDuplicate));
        var requests = _harness.Apis.Requests.Skip(before).ToList();
        var expectedSince = XSnowflake.FirstIdAt(T0.AddHours(4)).ToString(CultureInfo.InvariantCulture);
        Assert.Contains(requests, r => r.Contains("/tweets?", StringComparison.Ordinal) && r.Contains($"since_id={expectedSince}", StringComparison.Ordinal));
        await using var db = _harness.Db();
        var post5 = await db.Items.Where(i => i.SourceId == posts[5]).OrderBy(i => i.Id).Select(i => i.VersionKind).ToListAsync();
        Assert.Equal([VersionKind.Original, VersionKind.Edit], post5);
        Assert.Equal(12, await db.Items.CountAsync());
        Assert.DoesNotContain(await db.Items.Select(i => i.SourceId).ToListAsync(), id => id == edit5);
    }

    [Fact]
    public async Task ARefusedBearerTokenPutsTheConnectorInNeedsReauthWithoutShowingTheToken()
    {
        Seed();
        var connector = await AddConnectorAsync(token: "revoked-secret-token");

        var run = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Equal(RunOutcome.Failed, run.Outcome);
        Assert.Contains("X refused our credentials (401", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("revoked-secret-token", run.Error, StringComparison.Ordinal);
        Assert.Equal(ConnectorStatus.NeedsReauth, await _harness.StatusAsync(connector));
    }

    [Fact]
    public async Task AnAccountXCannotFindFailsTheRunInsteadOfLookingEmpty()
    {
        Seed();
        var connector = await AddConnectorAsync(account: "404404");

        var run = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Equal(RunOutcome.Failed, run.Outcome);
        Assert.Contains("Could not find user with id: [404404]", run.Error, StringComparison.Ordinal);
        Assert.Equal(ConnectorStatus.Error, await _harness.StatusAsync(connector));
    }

    [Fact]
    public async Task APostTheComplianceJobReportsDeletedBecomesADeletionVersionInTheStorageMailboxAndOneJobIsMadePerDay()
    {
        var (posts, original, _) = Seed();
        X.Delete(posts[1], T0.AddDays(1));
        var connector = await AddConnectorAsync();

        var run = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Null(run.Error);
        Assert.Empty(run.Counts.Imbalances());
        Assert.Equal(RunOutcome.Succeeded, run.Outcome);
        // The 9 timeline items and the deletion.
        Assert.Equal((10L, 10L), (run.Counts.ItemsFromSource, run.Counts.ItemsImported));
        var job = Assert.Single(X.Jobs);
        await using var db = _harness.Db();
        // The upload held exactly the archived posts, each by the first id of its edit history.
        var archived = await db.Items.Where(i => i.ConnectorId == connector && i.VersionKind == VersionKind.Original)
            .Select(i => i.SourceId).Distinct().ToListAsync();
        Assert.Equal(8, archived.Count);
        Assert.Contains(original, job.UploadedIds);
        Assert.Equal(archived.Order(StringComparer.Ordinal), job.UploadedIds.Order(StringComparer.Ordinal));
        Assert.Equal("text/plain", job.UploadContentType);
        Assert.Equal(0, X.AuthorizedStorageRequests);
        var versions = await db.Items.Where(i => i.SourceId == posts[1]).OrderBy(i => i.Id).ToListAsync();
        Assert.Equal([VersionKind.Original, VersionKind.Deletion], versions.Select(v => v.VersionKind));
        Assert.Equal(versions[0].ItemKey, versions[1].ItemKey);
        var deletionPlacement = await db.Placements.Where(p => p.ItemId == versions[1].Id).Select(p => p.AccountId).ToListAsync();
        Assert.Equal([_harness.StorageAccount], deletionPlacement);

        var second = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Null(second.Error);
        Assert.Single(X.Jobs);
        Assert.Equal(0L, second.Counts.ItemsImported);
    }

    [Fact]
    public async Task AJobStillInProgressWhenTheWaitEndsIsResumedByTheNextRunWithoutASecondJob()
    {
        var (posts, _, _) = Seed();
        X.Delete(posts[4], T0.AddDays(1));
        X.HoldJobs = true;
        var connector = await AddConnectorAsync(complianceWaitSeconds: 0);

        var first = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Null(first.Error);
        var job = Assert.Single(X.Jobs);
        Assert.Equal("in_progress", job.Status);
        await using var db = _harness.Db();
        Assert.False(await db.Items.AnyAsync(i => i.SourceId == posts[4] && i.VersionKind == VersionKind.Deletion));
        X.CompleteJobs();

        var second = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Null(second.Error);
        Assert.Empty(second.Counts.Imbalances());
        Assert.Same(job, Assert.Single(X.Jobs));
        Assert.True(await db.Items.AnyAsync(i => i.SourceId == posts[4] && i.VersionKind == VersionKind.Deletion));
        Assert.Equal(0, X.AuthorizedStorageRequests);
    }

    [Fact]
    public async Task AComplianceJobXReportsFailedIsAFailedItemNamingTheJob()
    {
        Seed();
        X.FailJobs = true;
        var connector = await AddConnectorAsync();

        var run = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Equal(RunOutcome.Partial, run.Outcome);
        Assert.Equal(1L, run.Counts.ItemsFailed);
        await using var db = _harness.Db();
        var reason = Assert.Single(await db.Failures.Where(f => f.RunId == run.Id).Select(f => f.Reason).ToListAsync());
        Assert.Contains($"job {X.Jobs[0].Id} ended failed", reason, StringComparison.Ordinal);
    }
}
