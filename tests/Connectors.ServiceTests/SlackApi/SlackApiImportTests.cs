using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Connectors.Alerts;
using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Credentials;
using Connectors.Data;
using Connectors.Imports;
using Connectors.Mapping;
using Connectors.Runs;
using Connectors.Sources.Http;
using Connectors.Sources.Slack.Api;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using static Connectors.Tests.SlackApi.FakeSlackWebApi;

namespace Connectors.Tests.SlackApi;

/// <summary>
/// The Slack API mode against a fake Slack Web API on loopback, through the real import runner: four conversation
/// types over several pages, a thread, a 429, files, a second run from the cursor, an edit, a rejected token.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class SlackApiImportTests(ServersFixture servers) : IAsyncLifetime
{
    private const string Team = "T0FAKE";
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Notes = Encoding.UTF8.GetBytes("Minutes of the Acme call");

    private FakeSlackWebApi _slack = null!;
    private string _database = "";
    private IHost _worker = null!;
    private readonly List<string> _tempFiles = [];

    // The workspace: every conversation type, a thread, files; PageSize 2 puts everything on several pages.
    private FakeConversation _general = null!, _deals = null!, _dm = null!, _group = null!;
    private JsonObject _quarterly = null!, _acmeCall = null!, _iWill = null!, _thanks = null!, _minutes = null!, _deck = null!, _seeYou = null!;
    private JsonObject _dealsLast = null!, _ping = null!, _groupFile = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackWebApi.StartAsync();
        _slack.AddUser("U1", "Alice", "alice@contoso.com");
        _slack.AddUser("U2", "Bob", "bob@contoso.com");
        _slack.AddUser("U3", "Carol", "carol@contoso.com");

        _general = _slack.AddConversation("C1", "general", "public_channel", "U1", "U2", "U3");
        _quarterly = _general.Post(Message("U1", Ts(T0.AddHours(-5)), "Quarterly numbers are out"));
        _acmeCall = _general.Post(Message("U2", Ts(T0.AddHours(-4)), "Who takes the Acme call?"));
        _iWill = _general.Reply(_acmeCall, Message("U1", Ts(T0.AddHours(-3)), "I will"));
        _thanks = _general.Reply(_acmeCall, Message("U3", Ts(T0.AddHours(-2)), "Thanks, Alice"));
        _minutes = _general.Post(Message("U3", Ts(T0.AddMinutes(-30)), "Minutes attached", _slack.File("F1", "notes.txt", Notes)));
        _deck = _general.Post(Message("U1", Ts(T0.AddMinutes(-20)), "The deck",
            _slack.File("F2", "deck.pdf", content: null, declaredSize: 5_000_000, mimeType: "application/pdf")));
        _seeYou = _general.Post(Message("U2", Ts(T0.AddMinutes(-10)), "See you at 3"));

        _deals = _slack.AddConversation("G1", "deals", "private_channel", "U1", "U2");
        _deals.Post(Message("U1", Ts(T0.AddHours(-3)), "Acme wants a discount"));
        _deals.Post(Message("U2", Ts(T0.AddMinutes(-150)), "Not below 5%"));
        _dealsLast = _deals.Post(Message("U1", Ts(T0.AddHours(-1)), "Agreed"));

        _dm = _slack.AddConversation("D1", null, "im", "U1", "U3");
        _ping = _dm.Post(Message("U3", Ts(T0.AddMinutes(-45)), "ping"));

        _group = _slack.AddConversation("M1", "mpdm-alice--bob--carol-1", "mpim", "U1", "U2", "U3");
        var withheld = _slack.File("F3", "contract.docx", content: null, declaredSize: 2048);
        withheld["file_access"] = "check_file_info";
        withheld.Remove("url_private_download");
        withheld.Remove("url_private");
        _groupFile = _group.Post(Message("U2", Ts(T0.AddMinutes(-40)), "From their legal team", withheld));

        _database = await servers.CreateDatabaseAsync("slackapi");
        _worker = WorkerHost.Create(_database, servers.RedisConnectionString, configure: services =>
        {
            services.RemoveAll<IConnectorSource>();
            services.AddSingleton<SlackApiImporter>();
            services.AddSingleton<IConnectorSource, SlackApiTestSource>();
            services.Configure<SourceHttpOptions>(o => o.AllowedHosts.Add("127.0.0.1"));
        });
        await using var db = Db();
        foreach (var email in new[] { "alice@contoso.com", "bob@contoso.com", "carol@contoso.com" })
        {
            db.Accounts.Add(new DirectoryAccount { Email = email, DisplayName = email, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        }
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        _worker.Dispose();
        await _slack.DisposeAsync();
        foreach (var file in _tempFiles)
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task EveryConversationTypeIsReadAcrossPagesAndTheRateLimitedPageIsNotLost()
    {
        var connector = await AddConnectorAsync();
        _slack.RateLimitNextPageOf = "conversations.history";

        var run = await RunAsync(connector);

        Assert.Null(run.Error);
        Assert.Empty(run.Counts.Imbalances());
        // C1: 5 posts + 2 replies; G1: 3; D1: 1; M1: 1. Each is placed in every member's mailbox.
        Assert.Equal(12, run.Counts.ItemsFromSource);
        Assert.Equal(7 * 3 + 3 * 2 + 1 * 2 + 1 * 3, run.Counts.ItemsForImport);
        Assert.Equal(0, run.Counts.ItemsFailed + run.Counts.ItemsQuarantined);
        await using var db = Db();
        var perConversation = await db.Items.GroupBy(i => i.ConversationId!).ToDictionaryAsync(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["C1"] = 7, ["G1"] = 3, ["D1"] = 1, ["M1"] = 1 }, perConversation);
        Assert.Equal(["Slack #deals", "Slack #general", "Slack direct message", "Slack group direct message"],
            await db.Items.Select(i => i.Subject!).Distinct().OrderBy(s => s).ToListAsync());
        // The 429 was answered, waited out and the same page asked again: C1's 5 posts were all read.
        Assert.Single(_slack.RateLimited);
        var limited = _slack.RateLimited.Single().Split(' ');
        Assert.Equal("C1", limited[1]);
        Assert.Equal(2, _slack.Calls.Count(c => c.Method == "conversations.history" && c.Query["channel"] == "C1"
            && c.Query.GetValueOrDefault("cursor") == limited[2]));
        // Every list was paged: 3 users, 4 conversations, 3 members of C1, 5 posts of C1 at 2 a page.
        Assert.Equal(2, _slack.Calls.Count(c => c.Method == "users.list"));
        Assert.Equal(2, _slack.Calls.Count(c => c.Method == "conversations.list"));
        Assert.Equal(2, _slack.Calls.Count(c => c.Method == "conversations.members" && c.Query["channel"] == "C1"));
        Assert.Equal(4, _slack.Calls.Count(c => c.Method == "conversations.history" && c.Query["channel"] == "C1"));
        Assert.All(_slack.Calls.Where(c => c.Method == "conversations.list"),
            c => Assert.Equal(("public_channel,private_channel,mpim,im", "false"), (c.Query["types"], c.Query["exclude_archived"])));
        // People map by their profile email from users.list.
        var bob = await db.Accounts.SingleAsync(a => a.Email == "bob@contoso.com");
        Assert.Equal(7 + 3 + 1, await db.Placements.CountAsync(p => p.AccountId == bob.Id));
    }

    [Fact]
    public async Task ThreadRepliesAreFetchedAndLinkedToTheirRoot()
    {
        var connector = await AddConnectorAsync();

        await RunAsync(connector);

        await using var db = Db();
        var root = await ItemAsync(db, "C1", _acmeCall);
        var replies = await db.Items.Where(i => i.ParentId != null).OrderBy(i => i.SentAt).ToListAsync();
        Assert.Equal([$"C1:{_iWill["ts"]}", $"C1:{_thanks["ts"]}"], replies.Select(r => r.SourceId));
        Assert.All(replies, r => Assert.Equal((root.SourceId[3..], root.SourceId[3..]), (r.ParentId!, r.ThreadId!)));
        Assert.Equal(["I will", "Thanks, Alice"], replies.Select(r => r.BodyText));
        Assert.Equal(((string?)_acmeCall["ts"], (string?)null), (root.ThreadId, root.ParentId));
        // Only the thread's root was asked for replies; the root itself (which replies repeats) is stored once.
        Assert.Equal([(string)_acmeCall["ts"]!], _slack.Calls.Where(c => c.Method == "conversations.replies").Select(c => c.Query["ts"]).Distinct());
        Assert.Equal(1, await db.Items.CountAsync(i => i.SourceId == root.SourceId));
    }

    [Fact]
    public async Task AReplyAlsoSentToTheChannelIsReadOnceAndStaysInItsThread()
    {
        var broadcast = _general.Reply(_acmeCall, Message("U2", Ts(T0.AddMinutes(-90)), "Alice takes it"));
        broadcast["subtype"] = "thread_broadcast";
        _general.Post(broadcast); // in the channel's history as well as in the thread
        var connector = await AddConnectorAsync();

        var run = await RunAsync(connector);

        Assert.Equal(13, run.Counts.ItemsFromSource);
        await using var db = Db();
        var item = await ItemAsync(db, "C1", broadcast);
        Assert.Equal((string?)_acmeCall["ts"], item.ParentId);
    }

    [Fact]
    public async Task ASecondRunReadsFromTheCursorLessTheLookbackAndCountsTheOverlapAsDuplicates()
    {
        var connector = await AddConnectorAsync();
        await RunAsync(connector);
        var late = _general.Post(Message("U1", Ts(T0.AddMinutes(5)), "Running late"));

        var second = await RunAsync(connector);

        Assert.Null(second.Error);
        Assert.Empty(second.Counts.Imbalances());
        // The first run read everything; the second asked each conversation from its newest ts less the 1 h lookback.
        Assert.Equal([null, Ts(T0.AddMinutes(-10).AddHours(-1))], _slack.OldestAsked("C1"));
        Assert.Equal([null, Ts(T0.AddHours(-2))], _slack.OldestAsked("G1"));
        // Re-read: C1's last three posts, G1's last post, the DM and the group DM; new: only "Running late".
        Assert.Equal(4 + 1 + 1 + 1, second.Counts.ItemsFromSource);
        Assert.Equal((3L, 0L), (second.Counts.ItemsImported, second.Counts.ItemsPartiallyImported));
        Assert.Equal(3 * 3 + 1 * 2 + 1 * 2 + 1 * 3, second.Counts.ItemsSkippedDuplicate);
        // The thread outside the window was not asked for again, and the file of a re-read message not fetched again.
        Assert.Single(_slack.Calls, c => c.Method == "conversations.replies" && !c.Query.ContainsKey("cursor"));
        Assert.Equal(1, _slack.Downloads["F1"]);
        await using var db = Db();
        Assert.Equal(13, await db.Items.CountAsync());
        Assert.Equal("Running late", (await ItemAsync(db, "C1", late)).BodyText);
        var cursor = JsonSerializer.Deserialize<Dictionary<string, string>>((await db.Cursors.SingleAsync(c => c.ConnectorId == connector)).Value)!;
        Assert.Equal(new Dictionary<string, string>
        {
            ["C1"] = (string)late["ts"]!,
            ["D1"] = (string)_ping["ts"]!,
            ["G1"] = (string)_dealsLast["ts"]!,
            ["M1"] = (string)_groupFile["ts"]!,
        }, cursor);
    }

    [Fact]
    public async Task AnEditedMessageBecomesANewVersionBesideTheOriginal()
    {
        var connector = await AddConnectorAsync();
        await RunAsync(connector);
        _seeYou["text"] = "See you at 4";
        _seeYou["edited"] = new JsonObject { ["user"] = "U2", ["ts"] = Ts(T0.AddMinutes(-5)) };

        var second = await RunAsync(connector);

        await using var db = Db();
        var versions = await db.Items.Where(i => i.SourceId == $"C1:{_seeYou["ts"]}").OrderBy(i => i.Id).ToListAsync();
        Assert.Equal([VersionKind.Original, VersionKind.Edit], versions.Select(v => v.VersionKind));
        Assert.Equal(["See you at 3", "See you at 4"], versions.Select(v => v.BodyText));
        Assert.Single(versions.Select(v => v.ItemKey).Distinct());
        Assert.Equal(3, second.Counts.ItemsImported); // the edit, in each member's mailbox
    }

    [Fact]
    public async Task ADownloadedFileIsStoredBySha256AndATooLargeOrWithheldFileLeavesItsMessagePartial()
    {
        var connector = await AddConnectorAsync();

        var run = await RunAsync(connector);

        Assert.Equal(RunOutcome.Partial, run.Outcome);
        Assert.Equal(2 * 3, run.Counts.ItemsPartiallyImported);
        await using var db = Db();
        var minutes = await ItemAsync(db, "C1", _minutes);
        var attachment = Assert.Single(JsonSerializer.Deserialize<List<ItemAttachment>>(minutes.Attachments, JsonSerializerOptions.Web)!);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Notes));
        Assert.Equal(("notes.txt", (long)Notes.Length, sha), (attachment.Name, attachment.Size, attachment.Sha256));
        Assert.Null(minutes.PartialReason);
        Assert.Equal(Notes, (await db.Blobs.SingleAsync(b => b.Sha256 == sha)).Content);
        // Fetched with the bearer token (the fake refuses downloads without it); the oversized file never asked for.
        Assert.Equal(["F1"], _slack.Downloads.Keys);
        Assert.Empty(_slack.RefusedDownloads);

        var deck = await ItemAsync(db, "C1", _deck);
        Assert.Contains("deck.pdf", deck.PartialReason);
        Assert.Contains("larger than the 1,048,576 bytes allowed", deck.PartialReason);
        Assert.Equal("", Assert.Single(JsonSerializer.Deserialize<List<ItemAttachment>>(deck.Attachments, JsonSerializerOptions.Web)!).Sha256);
        var withheld = await ItemAsync(db, "M1", _groupFile);
        Assert.Contains("contract.docx", withheld.PartialReason);
        Assert.Contains("check_file_info", withheld.PartialReason);
    }

    [Fact]
    public async Task ARejectedTokenFailsTheRunAndAsksForReauthorisationWithoutRevealingTheToken()
    {
        var connector = await AddConnectorAsync();
        _slack.InvalidAuth = true;

        var run = await RunAsync(connector);

        Assert.Equal(RunOutcome.Failed, run.Outcome);
        Assert.Contains("invalid_auth", run.Error);
        Assert.DoesNotContain(FakeSlackWebApi.Token, run.Error);
        await using var db = Db();
        var stored = await db.Connectors.SingleAsync(c => c.Id == connector);
        Assert.Equal(ConnectorStatus.NeedsReauth, stored.RunStatus);
        Assert.DoesNotContain(FakeSlackWebApi.Token, stored.LastError ?? "");
        var alert = await db.Alerts.SingleAsync(a => a.ConnectorId == connector && a.Kind == AlertKind.CredentialsRejected);
        Assert.DoesNotContain(FakeSlackWebApi.Token, alert.Reason);
        Assert.Equal(0, await db.Items.CountAsync());
    }

    [Fact]
    public async Task AConversationTheTokenCannotReadIsAFailedItemNamingItAndTheOthersAreImported()
    {
        var connector = await AddConnectorAsync();
        _slack.NotInChannel.Add("G1");

        var run = await RunAsync(connector);

        Assert.Equal(RunOutcome.Partial, run.Outcome);
        Assert.Empty(run.Counts.Imbalances());
        Assert.Equal(1, run.Counts.ItemsFailed);
        await using var db = Db();
        var failure = await db.Failures.SingleAsync(f => f.RunId == run.Id);
        Assert.Equal("G1", failure.ItemId);
        Assert.Contains("#deals", failure.Reason);
        Assert.Contains("not_in_channel", failure.Reason);
        Assert.Equal(9, await db.Items.CountAsync());
        var cursor = (await db.Cursors.SingleAsync(c => c.ConnectorId == connector)).Value;
        Assert.DoesNotContain("G1", cursor);
    }

    [Fact]
    public async Task AnEditReadThroughTheApiIsTheSameItemAndVersionAsTheSameEditInAnExport()
    {
        _seeYou["text"] = "See you at 4";
        _seeYou["edited"] = new JsonObject { ["user"] = "U2", ["ts"] = Ts(T0.AddMinutes(-5)) };
        // The export writes the message its own way (indented, with the sender's profile); the key and edit marker match.
        var exported = (JsonObject)_seeYou.DeepClone();
        exported["user_profile"] = new JsonObject { ["real_name"] = "Bob", ["name"] = "bob" };
        var users = new JsonArray(
            new JsonObject { ["id"] = "U1", ["name"] = "alice", ["profile"] = new JsonObject { ["real_name"] = "Alice", ["email"] = "alice@contoso.com" } },
            new JsonObject { ["id"] = "U2", ["name"] = "bob", ["profile"] = new JsonObject { ["real_name"] = "Bob", ["email"] = "bob@contoso.com" } },
            new JsonObject { ["id"] = "U3", ["name"] = "carol", ["profile"] = new JsonObject { ["real_name"] = "Carol", ["email"] = "carol@contoso.com" } });
        var export = ExportZip(("users.json", users.ToJsonString()),
            ("channels.json", "[{\"id\":\"C1\",\"name\":\"general\",\"members\":[\"U1\",\"U2\",\"U3\"]}]"),
            ("general/2026-11-24.json", new JsonArray(exported).ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
        var connector = await AddConnectorAsync(exportFile: export);

        var run = await RunAsync(connector);

        Assert.Null(run.Error);
        await using var db = Db();
        var item = await db.Items.SingleAsync(i => i.SourceId == $"C1:{_seeYou["ts"]}");
        Assert.Equal((VersionKind.Edit, $"slack:{Team}:C1:{_seeYou["ts"]}"), (item.VersionKind, item.ItemKey));
        Assert.Equal(12, run.Counts.ItemsFromSource - 1); // the export's one message, then the API's twelve
        Assert.Equal(3, run.Counts.ItemsSkippedDuplicate); // the API's copy of the edit, in three mailboxes
    }

    [Fact]
    public void TheApiSettingsNameEachFieldAtFault()
    {
        var errors = new SlackApiSettings("ftp://slack.example/", ["public_channel", "shared_channel"], MaxFileBytes: 10).Validate();

        Assert.Equal(["settings.slackApi.baseUrl", "settings.slackApi.conversationTypes", "settings.slackApi.maxFileBytes"], errors.Keys.Order());
        Assert.Empty(new SlackApiSettings().Validate());
        Assert.Equal(SlackApiSettings.AllConversationTypes, new SlackApiSettings().EffectiveConversationTypes);
    }

    private ConnectorsDbContext Db() => new(DataExtensions.CreateOptions(_database));

    private static async Task<ArchivedItem> ItemAsync(ConnectorsDbContext db, string conversation, JsonObject message) =>
        await db.Items.SingleAsync(i => i.SourceId == $"{conversation}:{message["ts"]}");

    private async Task<ImportRun> RunAsync(Guid connector) => (await _worker.RunOnceAsync(connector))!;

    private async Task<Guid> AddConnectorAsync(string token = FakeSlackWebApi.Token, string? exportFile = null)
    {
        await using var scope = _worker.Services.CreateAsyncScope();
        var db = scope.Db();
        var protector = scope.ServiceProvider.GetRequiredService<CredentialProtector>();
        var connector = new Connector
        {
            Name = $"Slack API {Guid.NewGuid():N}",
            Type = ConnectorTypes.Slack,
            Settings = JsonSerializer.Serialize(new SlackApiTestSettings(Team, new SlackApiSettings(_slack.ApiUrl, MaxFileBytes: 1024 * 1024), exportFile),
                JsonSerializerOptions.Web),
            ProtectedCredentials = protector.Protect(JsonSerializer.Serialize(new SlackApiTestCredentials(token), JsonSerializerOptions.Web)),
            Mapping = JsonSerializer.Serialize(MappingSettings.Default, IdentityResolver.SettingsJson),
            Lookback = TimeSpan.FromHours(1),
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Connectors.Add(connector);
        await db.SaveChangesAsync();
        return connector.Id;
    }

    private string ExportZip(params (string Name, string Json)[] entries)
    {
        var path = Path.Combine(Path.GetTempPath(), $"slack-export-{Guid.NewGuid():N}.zip");
        _tempFiles.Add(path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, json) in entries)
        {
            using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
            writer.Write(json);
        }
        return path;
    }
}
