using System.Globalization;
using System.Text.Json;
using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Credentials;
using Connectors.Data;
using Connectors.Imports;
using Connectors.Mapping;
using Connectors.Runs;
using Connectors.Sources.Http;
using Connectors.Sources.Zoom;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Connectors.Tests.Zoom;

/// <summary>The Zoom connector against a fake Zoom on loopback: OAuth, team chat, recordings and meeting chat.</summary>
[Collection(ServersCollection.Name)]
public sealed class ZoomImportTests(ServersFixture servers) : IAsyncLifetime
{
    private const string MeetingUuid = "/ab//c==";
    private static readonly DateTimeOffset Now = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(12);
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    private static readonly FakeZoom.User Alice = new("U-ALICE", "alice@contoso.com", "Alice Example");
    private static readonly FakeZoom.User Bob = new("U-BOB", "bob@contoso.com", "Bob Example");
    private static readonly FakeZoom.User Carol = new("U-CAROL", "carol@contoso.com", "Carol Example");

    private const string ChatFile =
        "00:00:10\tAlice Example:\tGood morning all\n" +
        "00:01:05\tBob Example:\tMorning! Numbers below\n" +
        "\t101.5 / 102.0\n" +
        "00:02:00\tDana Guest:\tHi from outside\n";

    private readonly TestClock _clock = new(Now);
    private FakeZoom _zoom = null!;
    private IHost _worker = null!;
    private string _database = null!;
    private Guid _alice, _bob, _carol;

    public async Task InitializeAsync()
    {
        _database = await servers.CreateDatabaseAsync("zoom");
        _zoom = await FakeZoom.StartAsync();
        _worker = WorkerHost.Create(_database, servers.RedisConnectionString, configure: s =>
        {
            s.AddSingleton<IConnectorSource, ZoomSource>();
            s.Configure<SourceHttpOptions>(o => o.AllowedHosts.Add("127.0.0.1"));
            s.AddSingleton<TimeProvider>(_clock);
        });
        await using var db = Db();
        _alice = AddAccount(db, Alice.Email);
        _bob = AddAccount(db, Bob.Email);
        _carol = AddAccount(db, Carol.Email);
        await db.SaveChangesAsync();
        SeedZoom();
    }

    public async Task DisposeAsync()
    {
        _worker.Dispose();
        await _zoom.DisposeAsync();
    }

    /// <summary>Three users, a channel of all three, a one-to-one chat, an edited and a deleted message, and a recorded meeting.</summary>
    private void SeedZoom()
    {
        _zoom.Users.AddRange([Alice, Bob, Carol]);
        _zoom.Channels.Add(new FakeZoom.Channel("C-DESK", "Rates desk", [Alice.Id, Bob.Id, Carol.Id]));
        var day = Now.AddDays(-2).Date;
        for (var i = 1; i <= 5; i++)
        {
            var sender = new[] { Alice, Bob, Carol }[i % 3];
            _zoom.Messages.Add(new FakeZoom.Message($"m-desk-{i}", sender.Email, $"desk message {i}", new DateTimeOffset(day, TimeSpan.Zero).AddHours(9).AddMinutes(i), ChannelId: "C-DESK"));
        }
        var yesterday = new DateTimeOffset(Now.AddDays(-1).Date, TimeSpan.Zero);
        _zoom.Messages.Add(new FakeZoom.Message("m-dm-1", Alice.Email, "lunch at one?", yesterday.AddHours(9), Between: [Alice.Email, Bob.Email]));
        _zoom.Messages.Add(new FakeZoom.Message("m-edit", Bob.Email, "price 101", yesterday.AddHours(10), ChannelId: "C-DESK"));
        _zoom.Messages.Add(new FakeZoom.Message("m-edit", Bob.Email, "price 102", yesterday.AddHours(10), ChannelId: "C-DESK",
            Status: "Edited", DateTime: yesterday.AddHours(10).AddMinutes(5)));
        _zoom.Messages.Add(new FakeZoom.Message("m-del", Carol.Email, "oops, wrong chat", yesterday.AddHours(11), ChannelId: "C-DESK"));
        _zoom.Messages.Add(new FakeZoom.Message("m-del", Carol.Email, "oops, wrong chat", yesterday.AddHours(11), ChannelId: "C-DESK",
            Status: "Deleted", DateTime: yesterday.AddHours(11).AddMinutes(2)));

        _zoom.Meetings.Add(new FakeZoom.Meeting(MeetingUuid, 81234567890, Alice.Id, "Quarterly review",
            new DateTimeOffset(Now.AddDays(-3).Date, TimeSpan.Zero).AddHours(9),
            [
                new FakeZoom.RecordingFile("file-mp4", "MP4", "MP4", "shared_screen_with_speaker_view", 734_003_200),
                new FakeZoom.RecordingFile("file-chat", "CHAT", "TXT", "chat_file", 0, ChatFile),
                new FakeZoom.RecordingFile("file-vtt", "TRANSCRIPT", "VTT", "audio_transcript", 20_480),
            ],
            [
                new FakeZoom.Participant(Alice.Id, Alice.Name, Alice.Email),
                new FakeZoom.Participant(Bob.Id, Bob.Name, Bob.Email),
                new FakeZoom.Participant(null, "Dana Guest", null),
            ]));
    }

    [Fact]
    public async Task EveryPageOfEveryListingIsImportedWithOneTokenForTheWholeRun()
    {
        var connector = await AddConnectorAsync();

        var run = await _worker.RunOnceAsync(connector);

        Assert.Equal("", run!.Error ?? "");
        Assert.Empty(run.Counts.Imbalances());
        // Three users on two pages; five desk messages from each of three members' sides on three pages each.
        Assert.Contains(_zoom.Seen("/v2/users"), r => r.Query.GetValueOrDefault("next_page_token") == "page-2");
        Assert.Contains(_zoom.Seen("/v2/chat/users/U-CAROL/messages"), r => r.Query.GetValueOrDefault("next_page_token") == "page-4");
        await using var db = Db();
        var desk = await db.Items.Where(i => i.SourceId.StartsWith("m-desk-")).OrderBy(i => i.SourceId).Select(i => i.SourceId).ToListAsync();
        Assert.Equal(["m-desk-1", "m-desk-2", "m-desk-3", "m-desk-4", "m-desk-5"], desk);
        // Every channel member gets a copy: three mailboxes per desk message.
        var first = await db.Items.SingleAsync(i => i.SourceId == "m-desk-1");
        Assert.Equal(3, await db.Placements.CountAsync(p => p.ItemId == first.Id));
        Assert.Equal("zoom:acct-contoso:m-desk-1", first.ItemKey);
        Assert.Equal("C-DESK", first.ConversationId);
        Assert.Equal(1, _zoom.TokensIssued);
    }

    [Fact]
    public async Task AOneToOneMessageReadFromBothPeoplesSidesIsStoredOnceInBothMailboxes()
    {
        var connector = await AddConnectorAsync();

        var run = await _worker.RunOnceAsync(connector);

        // Zoom served the message to Alice (chatting with Bob) and to Bob (chatting with Alice).
        Assert.Contains(_zoom.Seen("/v2/chat/users/U-ALICE/messages"), r => r.Query.GetValueOrDefault("to_contact") == Bob.Email);
        Assert.Contains(_zoom.Seen("/v2/chat/users/U-BOB/messages"), r => r.Query.GetValueOrDefault("to_contact") == Alice.Email);
        await using var db = Db();
        var item = await db.Items.SingleAsync(i => i.SourceId == "m-dm-1");
        var mailboxes = await db.Placements.Where(p => p.ItemId == item.Id).Select(p => p.AccountId).ToListAsync();
        Assert.Equal(new[] { _alice, _bob }.Order(), mailboxes.Order());
        Assert.Equal("Zoom", (await db.Placements.FirstAsync(p => p.ItemId == item.Id)).Folder);
        Assert.Equal(RunOutcome.Succeeded, run!.Outcome);
    }

    [Fact]
    public async Task EditedAndDeletedMessagesAreNewVersionsBesideTheOriginal()
    {
        var connector = await AddConnectorAsync();

        await _worker.RunOnceAsync(connector);

        Assert.All(_zoom.Seen("/v2/chat/users/").Where(r => r.Path.EndsWith("/messages")),
            r => Assert.Equal("true", r.Query.GetValueOrDefault("include_deleted_and_edited_message")));
        await using var db = Db();
        var edited = await db.Items.Where(i => i.SourceId == "m-edit").OrderBy(i => i.Id).ToListAsync();
        Assert.Equal([VersionKind.Original, VersionKind.Edit], edited.Select(i => i.VersionKind));
        Assert.Equal(["price 101", "price 102"], edited.Select(i => i.BodyText));
        var deleted = await db.Items.Where(i => i.SourceId == "m-del").OrderBy(i => i.Id).Select(i => i.VersionKind).ToListAsync();
        Assert.Equal([VersionKind.Original, VersionKind.Deletion], deleted);
    }

    [Fact]
    public async Task AThrottledRequestIsRetriedAfterItsRetryAfterAndNothingIsMissed()
    {
        var connector = await AddConnectorAsync();
        _zoom.ThrottleOnce("/v2/chat/users/U-ALICE/messages");

        var run = await _worker.RunOnceAsync(connector);

        var alice = _zoom.Seen("/v2/chat/users/U-ALICE/messages");
        Assert.Equal(429, alice[0].Status);
        Assert.Equal(alice[0].RawTarget, alice[1].RawTarget);
        Assert.Equal(200, alice[1].Status);
        Assert.Equal(RunOutcome.Succeeded, run!.Outcome);
        await using var db = Db();
        Assert.Equal(5, await db.Items.CountAsync(i => i.SourceId.StartsWith("m-desk-")));
    }

    [Fact]
    public async Task ATokenRequestRefusedWith429IsRepeatedAfterItsRetryAfter()
    {
        var connector = await AddConnectorAsync();
        _zoom.ThrottleOnce("/oauth/token");

        var run = await _worker.RunOnceAsync(connector);

        // The client pipeline never repeats a POST; the connector repeats this one because minting a token is harmless.
        Assert.Equal([429, 200], _zoom.Seen("/oauth/token").Select(r => r.Status));
        Assert.Equal(1, _zoom.TokensIssued);
        Assert.Equal(RunOutcome.Succeeded, run!.Outcome);
    }

    [Fact]
    public async Task RecordingsAreListedInWindowsOfAtMost30DaysThatCoverTheWholePeriod()
    {
        var start = Today.AddDays(-75);
        var connector = await AddConnectorAsync(settings => settings["startDate"] = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

        var run = await _worker.RunOnceAsync(connector);

        Assert.Equal("", run!.Error ?? "");
        foreach (var user in new[] { Alice, Bob, Carol })
        {
            var windows = _zoom.Seen($"/v2/users/{user.Id}/recordings")
                .Select(r => (From: DateOnly.Parse(r.Query["from"], CultureInfo.InvariantCulture), To: DateOnly.Parse(r.Query["to"], CultureInfo.InvariantCulture)))
                .Distinct().OrderBy(w => w.From).ToList();
            Assert.All(windows, w => Assert.InRange(w.To.DayNumber - w.From.DayNumber + 1, 1, 30));
            Assert.Equal(start, windows[0].From);
            Assert.Equal(Today, windows[^1].To);
            Assert.All(windows.Zip(windows.Skip(1)), pair => Assert.Equal(pair.First.To.AddDays(1), pair.Second.From));
        }
        // The recording's files are metadata: the video is never downloaded, the chat file is.
        await using var db = Db();
        var recording = await db.Items.SingleAsync(i => i.SourceId == "recording:" + MeetingUuid);
        var attachments = JsonDocument.Parse(recording.Attachments).RootElement.EnumerateArray()
            .Select(a => (Name: a.GetProperty("name").GetString(), Size: a.GetProperty("size").GetInt64())).ToList();
        Assert.Contains(("shared_screen_with_speaker_view.mp4", 734_003_200L), attachments);
        Assert.Empty(_zoom.Seen("/rec/download/file-mp4"));
        Assert.Single(_zoom.Seen("/rec/download/file-chat"));
        Assert.Null(recording.PartialReason);
    }

    [Fact]
    public async Task AMeetingUuidBeginningWithASlashIsDoubleEncodedOnTheWire()
    {
        var connector = await AddConnectorAsync();

        await _worker.RunOnceAsync(connector);

        var participants = _zoom.Seen("/v2/past_meetings/");
        Assert.NotEmpty(participants);
        Assert.All(participants, r => Assert.Equal(("/v2/past_meetings/%252Fab%252F%252Fc%253D%253D/participants", 200), (r.Path, r.Status)));
        // Zoom found the meeting by that path, so its participants receive the recording.
        await using var db = Db();
        var recording = await db.Items.SingleAsync(i => i.SourceId == "recording:" + MeetingUuid);
        var mailboxes = await db.Placements.Where(p => p.ItemId == recording.Id).Select(p => p.AccountId).ToListAsync();
        Assert.Equal(new[] { _alice, _bob }.Order(), mailboxes.Order());
    }

    [Fact]
    public async Task EachLineOfTheInMeetingChatFileIsAnItemInTheMeetingsConversation()
    {
        var connector = await AddConnectorAsync();

        var run = await _worker.RunOnceAsync(connector);

        await using var db = Db();
        var chat = await db.Items.Where(i => i.SourceId.StartsWith("meetingchat:")).OrderBy(i => i.SentAt).ToListAsync();
        Assert.Equal(["Good morning all", "Morning! Numbers below\n101.5 / 102.0", "Hi from outside"], chat.Select(i => i.BodyText));
        Assert.All(chat, i => Assert.Equal(MeetingUuid, i.ConversationId));
        // The file's times are offsets into the recording, which started five seconds after the meeting.
        var recordingStart = new DateTimeOffset(Now.AddDays(-3).Date, TimeSpan.Zero).AddHours(9).AddSeconds(5);
        Assert.Equal([recordingStart.AddSeconds(10), recordingStart.AddSeconds(65), recordingStart.AddSeconds(120)], chat.Select(i => i.SentAt));
        Assert.Equal(["00:00:10", "00:01:05", "00:02:00"], chat.Select(i => i.SentAtText));
        // Senders are matched to the participants by name; the guest has no account and is listed for mapping.
        Assert.Contains("bob@contoso.com", chat[1].Sender);
        Assert.Contains("Dana Guest", chat[2].Sender);
        var bobsLine = await db.Placements.Where(p => p.ItemId == chat[1].Id).Select(p => p.AccountId).ToListAsync();
        Assert.Equal(new[] { _alice, _bob }.Order(), bobsLine.Order());
        Assert.Contains(await db.UnmappedIdentities.Where(u => u.ConnectorId == connector).Select(u => u.SourceId).ToListAsync(), id => id == "name:Dana Guest");
        Assert.Empty(run!.Counts.Imbalances());
    }

    [Fact]
    public async Task ABadClientSecretLeavesTheConnectorNeedingReauthentication()
    {
        var connector = await AddConnectorAsync(secret: "not-the-secret");

        var run = await _worker.RunOnceAsync(connector);

        Assert.Equal(RunOutcome.Failed, run!.Outcome);
        Assert.Contains("invalid_client", run.Error);
        Assert.DoesNotContain("not-the-secret", run.Error);
        await using var db = Db();
        Assert.Equal(ConnectorStatus.NeedsReauth, (await db.Connectors.SingleAsync(c => c.Id == connector)).RunStatus);
        Assert.Empty(_zoom.Seen("/v2/"));
        Assert.False(await db.Items.AnyAsync());
    }

    [Fact]
    public async Task ASecondRunOnlyFetchesTheDaysSinceTheCursorMinusTheLookback()
    {
        var connector = await AddConnectorAsync();
        await _worker.RunOnceAsync(connector);
        var before = _zoom.Requests.Count;

        // Two days later Bob writes again.
        _clock.Now = Now.AddDays(2);
        _zoom.Messages.Add(new FakeZoom.Message("m-dm-2", Bob.Email, "one works", Now.AddDays(1), Between: [Alice.Email, Bob.Email]));
        var second = await _worker.RunOnceAsync(connector);

        var requests = _zoom.Requests.Skip(before).ToList();
        // The first run read up to today noon; minus the 3-day lookback, the second run starts three days ago.
        var firstDay = Today.AddDays(-3);
        var recordings = requests.Where(r => r.Path.EndsWith("/recordings")).ToList();
        Assert.NotEmpty(recordings);
        Assert.All(recordings, r => Assert.Equal((firstDay, Today.AddDays(2)),
            (DateOnly.Parse(r.Query["from"], CultureInfo.InvariantCulture), DateOnly.Parse(r.Query["to"], CultureInfo.InvariantCulture))));
        var messages = requests.Where(r => r.Path.EndsWith("/messages")).ToList();
        Assert.NotEmpty(messages);
        Assert.All(messages, r => Assert.Equal($"{firstDay:yyyy-MM-dd}T00:00:00Z", r.Query["from"]));
        // Only Bob's new message is new (one copy each for Alice and Bob); the re-read overlap is all duplicates.
        Assert.Equal(2L, second!.Counts.ItemsImported);
        Assert.True(second.Counts.ItemsSkippedDuplicate > 0);
        await using var db = Db();
        Assert.True(await db.Items.AnyAsync(i => i.SourceId == "m-dm-2"));
        var cursor = await db.Cursors.SingleAsync(c => c.ConnectorId == connector);
        Assert.Contains(Today.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), cursor.Value);
    }

    private async Task<Guid> AddConnectorAsync(Action<Dictionary<string, object?>>? settings = null, string secret = FakeZoom.ClientSecret)
    {
        var values = new Dictionary<string, object?>
        {
            ["accountId"] = FakeZoom.AccountId,
            ["apiBaseUrl"] = _zoom.ApiBaseUrl,
            ["oAuthUrl"] = _zoom.OAuthUrl,
            ["startDate"] = Today.AddDays(-10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        settings?.Invoke(values);
        var protector = _worker.Services.GetRequiredService<CredentialProtector>();
        await using var db = Db();
        var connector = new Connector
        {
            Name = $"Zoom {Guid.NewGuid():N}",
            Type = ConnectorTypes.Zoom,
            Settings = JsonSerializer.Serialize(values),
            ProtectedCredentials = protector.Protect(JsonSerializer.Serialize(new { clientId = FakeZoom.ClientId, clientSecret = secret })),
            Mapping = JsonSerializer.Serialize(MappingSettings.Default, IdentityResolver.SettingsJson),
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Connectors.Add(connector);
        await db.SaveChangesAsync();
        return connector.Id;
    }

    private ConnectorsDbContext Db() => new(DataExtensions.CreateOptions(_database));

    private static Guid AddAccount(ConnectorsDbContext db, string email)
    {
        var account = new DirectoryAccount { Email = email, DisplayName = email, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        db.Accounts.Add(account);
        return account.Id;
    }

    /// <summary>A clock the test moves; timers still run on the system clock.</summary>
    private sealed class TestClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
