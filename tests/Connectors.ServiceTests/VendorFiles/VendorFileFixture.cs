using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Security;
using System.Text;
using Connectors.Api.Connectors;
using Connectors.Tests.Infrastructure;
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

    public object Settings(string folder, string? hostKey = "", string account = "f123456") => new
    {
        host = sftp.Host,
        port = sftp.Port,
        username = sftp.Username,
        hostKeySha256 = hostKey == "" ? sftp.HostKeyFingerprint : hostKey,
        remoteFolder = "/" + folder,
        sourceAccount = account,
    };

    public object Credentials(string? password = null) => new
    {
        password = password ?? sftp.Password,
        pgpPrivateKey = PgpTestKeys.Default.ArmoredSecretKey,
        pgpPassphrase = PgpTestKeys.Default.Passphrase,
    };

    public async Task<ConnectorDto> CreateAsync(string type, string folder, string? password = null)
    {
        var response = await Client.PostAsJsonAsync("/api/compliance/connectors", new
        {
            name = $"{type} {Guid.NewGuid():N}",
            type,
            settings = Settings(folder),
            credentials = Credentials(password),
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
}
