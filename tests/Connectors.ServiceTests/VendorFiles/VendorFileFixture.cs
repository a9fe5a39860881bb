using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Security;
using System.Text;
using Connectors.Api.Alerts;
using Connectors.Api.Connectors;
using Connectors.Runs;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Connectors.Tests;

/// <summary>Vendor files as Bloomberg delivers them, built in the tests: FileDump XML, tar.gz attachments, PGP.</summary>
internal static class VendorFiles
{
    public static readonly long T0 = new DateTimeOffset(2026, 11, 24, 14, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    public static string User(string login, string first, string uuid, string? corporate) =>
        $"<User><LoginName>{login}</LoginName><FirstName>{first}</FirstName><LastName>Test</LastName><UUID>{uuid}</UUID>" +
        $"<CompanyName>Contoso</CompanyName><CorporateEmailAddress>{corporate}</CorporateEmailAddress></User>";

    public static readonly string Alice = User("alice", "Alice", "1001", "alice@contoso.com");
    public static readonly string Bob = User("bob", "Bob", "1002", "bob@contoso.com");
    /// <summary>An external participant: no corporate address, so nobody to map to.</summary>
    public static readonly string Eve = User("eve", "Eve", "2001", null);

    private static string Time(long at) =>
        $"<DateTime>{DateTimeOffset.FromUnixTimeSeconds(at).ToString("MM/dd/yyyy HH:mm:ss", CultureInfo.InvariantCulture)}</DateTime><DateTimeUTC>{at}</DateTimeUTC>";

    public static string Entered(string user, long at) => $"<ParticipantEntered>{user}{Time(at)}</ParticipantEntered>";

    public static string Message(string user, long at, string text) => $"<Message>{user}{Time(at)}<Content>{SecurityElement.Escape(text)}</Content></Message>";

    public static string Attachment(string user, long at, string name, string fileId, long size) =>
        $"<Attachment>{user}{Time(at)}<FileName>{name}</FileName><FileID>{fileId}</FileID><FileSize>{size}</FileSize></Attachment>";

    public static byte[] FileDump(params (string Room, string[] Events)[] conversations) => Encoding.UTF8.GetBytes(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><FileDump>" +
        string.Concat(conversations.Select(c => $"<Conversation><RoomID>{c.Room}</RoomID><StartTimeUTC>{T0}</StartTimeUTC>{string.Concat(c.Events)}</Conversation>")) +
        "</FileDump>");

    public static byte[] TarGz(params (string Name, byte[] Content)[] entries)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip))
        {
            foreach (var (name, content) in entries)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
            }
        }
        return output.ToArray();
    }

    public static byte[] Encrypt(byte[] plain, string name) => PgpTestKeys.Default.Encrypt(plain, name, armor: false, compress: true);

    /// <summary>ISO 8601 in UTC, as the ICE and Refinitiv files write times.</summary>
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>ICE Chat daily files in the parser's default layout (see <c>IceChatSchema</c>).</summary>
internal static class IceChatFiles
{
    public static readonly DateTimeOffset At = new(2026, 11, 24, 9, 15, 0, TimeSpan.Zero);

    /// <summary>A person as ICE lists them: IM id and email.</summary>
    public sealed record IcePerson(string ImId, string Email);

    public static readonly IcePerson Jo = new("jtrader1", "jo@contoso.com");
    public static readonly IcePerson Sam = new("ssales3", "sam@contoso.com");
    public static readonly IcePerson Kim = new("kdesk4", "kim@contoso.com");
    /// <summary>A broker at another firm: not in the directory.</summary>
    public static readonly IcePerson Bo = new("bbroker2", "bo@broker.example");

    public static string IceMessage(string id, IcePerson sender, IcePerson[] recipients, int minute, string text, string room = "ICE-ROOM-42") =>
        $"<Message><MessageID>{id}</MessageID><ConversationID>{room}</ConversationID>" +
        $"<SenderImId>{sender.ImId}</SenderImId><SenderEmail>{sender.Email}</SenderEmail>" +
        $"<Recipients>{string.Concat(recipients.Select(r => $"<Recipient><RecipientImId>{r.ImId}</RecipientImId><RecipientEmail>{r.Email}</RecipientEmail></Recipient>"))}</Recipients>" +
        $"<Timestamp>{VendorFiles.Iso(At.AddMinutes(minute))}</Timestamp><Text>{SecurityElement.Escape(text)}</Text></Message>";

    public static byte[] IceDump(params string[] messages) =>
        Encoding.UTF8.GetBytes($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><FileDump>{string.Concat(messages)}</FileDump>");
}

/// <summary>Refinitiv Messenger daily files in the layout of <c>RefinitivLayout</c>: messages.xml and summary.xml.</summary>
internal static class RefinitivFiles
{
    public static readonly DateTimeOffset At = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A Messenger user: UUID and email.</summary>
    public sealed record Person(string Uuid, string Email);

    public static readonly Person Jo = new("GE-A1", "jo@contoso.com");
    public static readonly Person Sam = new("GE-A2", "sam@contoso.com");

    private static string Identity(Person p) => $"<Uuid>{p.Uuid}</Uuid><Email>{p.Email}</Email>";

    public static string RefinitivMessage(string id, Person sender, Person recipient, int minute, string text) =>
        $"<Message><MessageId>{id}</MessageId><ConversationId>room-7</ConversationId><ConversationName>FX Desk</ConversationName>" +
        $"<Sender>{Identity(sender)}</Sender><Recipients><Recipient>{Identity(recipient)}</Recipient></Recipients>" +
        $"<Timestamp>{VendorFiles.Iso(At.AddMinutes(minute))}</Timestamp><Text>{SecurityElement.Escape(text)}</Text></Message>";

    /// <summary>A day's messages.xml; an event record is included, as real files have them (not an item).</summary>
    public static byte[] Messages(string date, params string[] messages) => Encoding.UTF8.GetBytes(
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Messages date=\"{date}\">" +
        $"<Event type=\"Join\"><Uuid>{Jo.Uuid}</Uuid><Timestamp>{VendorFiles.Iso(At)}</Timestamp></Event>" +
        $"{string.Concat(messages)}</Messages>");

    /// <summary>A history request's delivery: messages asked for again, inside a HistoryRequest.</summary>
    public static byte[] History(string date, params string[] messages) => Encoding.UTF8.GetBytes(
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Messages date=\"{date}\">" +
        $"<HistoryRequest requestId=\"hr-555\" requestedBy=\"compliance@contoso.com\">{string.Concat(messages)}</HistoryRequest></Messages>");

    public static byte[] Summary(string date, long messageCount) => Encoding.UTF8.GetBytes(
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Summary><Date>{date}</Date><MessageCount>{messageCount}</MessageCount>" +
        "<EventCount>1</EventCount></Summary>");
}

/// <summary>Bloomberg Message (MSG) and disclaimer files, with the users of <see cref="VendorFiles"/>.</summary>
internal static class BloombergMessageFiles
{
    public static readonly string Carol = VendorFiles.User("carol", "Carol", "1003", "carol@contoso.com");
    public static readonly string Dan = VendorFiles.User("dan", "Dan", "1004", "dan@contoso.com");

    public static string Mail(string id, long at, string sender, (string DeliveryType, string User)[] recipients, string subject, string body) =>
        $"<Message><MsgID>{id}</MsgID>" +
        $"<MsgTime>{DateTimeOffset.FromUnixTimeSeconds(at).ToString("MM/dd/yyyy HH:mm:ss", CultureInfo.InvariantCulture)}</MsgTime><MsgTimeUTC>{at}</MsgTimeUTC>" +
        $"<Sender>{sender}</Sender>" +
        string.Concat(recipients.Select(r => $"<Recipient DeliveryType=\"{r.DeliveryType}\">{r.User}</Recipient>")) +
        $"<Subject>{SecurityElement.Escape(subject)}</Subject><MsgBody>{SecurityElement.Escape(body)}</MsgBody></Message>";

    public static byte[] MailDump(params string[] messages) =>
        Encoding.UTF8.GetBytes($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><FileDump>{string.Concat(messages)}</FileDump>");

    public static byte[] Disclaimers(params (string Reference, string Text)[] disclaimers) => Encoding.UTF8.GetBytes(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><FileDump>" +
        string.Concat(disclaimers.Select(d => $"<Disclaimer><DisclaimerReference>{d.Reference}</DisclaimerReference><DisclaimerText>{SecurityElement.Escape(d.Text)}</DisclaimerText></Disclaimer>")) +
        "</FileDump>");
}

/// <summary>An Api and a worker on their own database, and helpers to configure a vendor file connector.</summary>
internal sealed class VendorFileHarness(ServersFixture servers, LocalSftpServer sftp) : IAsyncDisposable
{
    public ApiFactory Api { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public IHost Worker { get; private set; } = null!;
    public string Database { get; private set; } = "";

    public async Task StartAsync(string name)
    {
        Database = await servers.CreateDatabaseAsync(name);
        Api = new ApiFactory(Database, servers.RedisConnectionString);
        Client = Api.CreateAdminClient();
        Worker = WorkerHost.Create(Database, servers.RedisConnectionString);
        await Worker.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Worker.StopAsync();
        Worker.Dispose();
        Client.Dispose();
        await Api.DisposeAsync();
    }

    /// <summary>Settings for the local SFTP server; <paramref name="hostKey"/> "" pins the real key, null pins none.</summary>
    public Dictionary<string, object?> Settings(string folder, string? hostKey = "", string account = "f123456") => new()
    {
        ["host"] = sftp.Host,
        ["port"] = sftp.Port,
        ["username"] = sftp.Username,
        ["hostKeySha256"] = hostKey == "" ? sftp.HostKeyFingerprint : hostKey,
        ["remoteFolder"] = "/" + folder,
        ["sourceAccount"] = account,
    };

    /// <summary>The SFTP login and the PGP key (<see cref="PgpTestKeys.Default"/> unless <paramref name="pgp"/> is given).</summary>
    public Dictionary<string, object?> Credentials(string? password = null, PgpTestKeys? pgp = null) => new()
    {
        ["password"] = password ?? sftp.Password,
        ["pgpPrivateKey"] = (pgp ?? PgpTestKeys.Default).ArmoredSecretKey,
        ["pgpPassphrase"] = (pgp ?? PgpTestKeys.Default).Passphrase,
    };

    /// <summary>Creates a connector on <paramref name="folder"/>; <paramref name="settings"/> adds or changes settings.</summary>
    public async Task<ConnectorDto> CreateAsync(string type, string folder, string? password = null, PgpTestKeys? pgp = null,
        Action<Dictionary<string, object?>>? settings = null)
    {
        var values = Settings(folder);
        settings?.Invoke(values);
        var response = await Client.PostAsJsonAsync("/api/compliance/connectors", new
        {
            name = $"{type} {Guid.NewGuid():N}",
            type,
            settings = values,
            credentials = Credentials(password, pgp),
        });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
        }
        return (await response.Content.ReadFromJsonAsync<ConnectorDto>(Json.Options))!;
    }

    public async Task AddAccountsAsync(params string[] emails)
    {
        foreach (var email in emails)
        {
            (await Client.PostAsJsonAsync("/api/compliance/directory/accounts", new { email, displayName = email })).EnsureSuccessStatusCode();
        }
    }

    /// <summary>One import of the connector, as the scheduler would run it.</summary>
    public async Task<ImportRun> RunAsync(Guid connectorId) => (await Worker.RunOnceAsync(connectorId))!;

    /// <summary>The connector's runs as the API shows them, newest first.</summary>
    public async Task<IReadOnlyList<RunDto>> HistoryAsync(Guid connectorId) =>
        (await Client.GetFromJsonAsync<Page<RunDto>>($"/api/compliance/connectors/{connectorId}/history", Json.Options))!.Items;

    /// <summary>The connector's alerts as the API shows them, newest first.</summary>
    public async Task<IReadOnlyList<AlertDto>> AlertsAsync(Guid connectorId) =>
        (await Client.GetFromJsonAsync<Page<AlertDto>>($"/api/compliance/alerts?connectorId={connectorId}", Json.Options))!.Items;

    /// <summary>How many copies each mailbox (by account email) holds.</summary>
    public async Task<Dictionary<string, int>> PlacementsPerAccountAsync()
    {
        await using var db = Api.CreateDbContext();
        return await db.Placements.Join(db.Accounts, p => p.AccountId, a => a.Id, (p, a) => a.Email)
            .GroupBy(email => email).ToDictionaryAsync(g => g.Key, g => g.Count());
    }
}
