using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Connectors.Api.Connectors;
using Connectors.Connectors;
using Connectors.Sources.Files;
using Connectors.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using static Connectors.Tests.VendorFiles;

namespace Connectors.Tests;

/// <summary>
/// "Validate connection" through the API against a real OpenSSH server on loopback: each thing an administrator
/// can get wrong fails its own check, names the setting or credential to fix, and the checks after it are skipped.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class ConnectorValidationTests(ServersFixture servers, LocalSftpServer sftp) : IClassFixture<LocalSftpServer>, IAsyncLifetime
{
    private readonly VendorFileHarness _harness = new(servers, sftp);
    private readonly string _folder = "validate-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        await _harness.StartAsync("validate");
        sftp.CreateFolder(_folder);
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private const string DayFile = "f123456.ib19.261124.xml";

    private void DeliverDay(byte[]? encrypted = null) =>
        sftp.WriteFile($"{_folder}/{DayFile}.gpg", encrypted ?? Encrypt(FileDump(("room-1", [Message(Alice, T0, "hello")])), DayFile));

    private async Task<ValidationReport> ValidateDraftAsync(Dictionary<string, object?> settings, Dictionary<string, object?> credentials)
    {
        var response = await _harness.Client.PostAsJsonAsync("/api/compliance/connectors/validate",
            new { type = ConnectorTypes.InstantBloomberg, settings, credentials });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ValidationReport>(Json.Options))!;
    }

    private static ValidationCheck Check(ValidationReport report, string name) => Assert.Single(report.Checks, c => c.Name == name);

    private static async Task<ValidationProblemDetails> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Json.Options))!;
    }

    [Fact]
    public async Task ADraftWithEverythingRightPassesEveryCheckAndDecryptsADeliveredFile()
    {
        DeliverDay();

        var report = await ValidateDraftAsync(_harness.Settings(_folder), _harness.Credentials());

        Assert.True(report.Succeeded);
        Assert.Equal(sftp.HostKeyFingerprint, report.ServerHostKey);
        foreach (var name in new[] { "connect", "hostKey", "login", "folder", "pgpKey", "decrypt" })
        {
            Assert.Equal(ValidationCheckResult.Passed, Check(report, name).Result);
        }
        Assert.Contains("1 file(s)", Check(report, "folder").Detail);
        Assert.Contains(DayFile, Check(report, "decrypt").Detail);
    }

    [Fact]
    public async Task AWrongPinnedHostKeyFailsBeforeLoginAndShowsTheKeyTheServerPresents()
    {
        var settings = _harness.Settings(_folder, hostKey: "SHA256:" + Convert.ToBase64String(new byte[32]).TrimEnd('='));

        var report = await ValidateDraftAsync(settings, _harness.Credentials());

        Assert.False(report.Succeeded);
        var hostKey = Check(report, "hostKey");
        Assert.Equal((ValidationCheckResult.Failed, "settings.hostKeySha256"), (hostKey.Result, hostKey.Field));
        Assert.Equal(sftp.HostKeyFingerprint, report.ServerHostKey);
        Assert.Equal(ValidationCheckResult.Passed, Check(report, "connect").Result);
        Assert.Equal(ValidationCheckResult.Skipped, Check(report, "login").Result);
        Assert.Equal(ValidationCheckResult.Skipped, Check(report, "folder").Result);
    }

    [Fact]
    public async Task WithNoHostKeyPinnedValidationFailsAndNamesTheFingerprintToConfirm()
    {
        var report = await ValidateDraftAsync(_harness.Settings(_folder, hostKey: null), _harness.Credentials());

        Assert.False(report.Succeeded);
        var hostKey = Check(report, "hostKey");
        Assert.Equal((ValidationCheckResult.Failed, "settings.hostKeySha256"), (hostKey.Result, hostKey.Field));
        Assert.Contains(sftp.HostKeyFingerprint, hostKey.Detail);
        Assert.Equal(sftp.HostKeyFingerprint, report.ServerHostKey);
        Assert.Equal(ValidationCheckResult.Skipped, Check(report, "login").Result);
    }

    [Fact]
    public async Task AWrongPasswordFailsTheLoginCheckNamingThePassword()
    {
        var report = await ValidateDraftAsync(_harness.Settings(_folder), _harness.Credentials(password: "not-the-password"));

        Assert.False(report.Succeeded);
        Assert.Equal(ValidationCheckResult.Passed, Check(report, "hostKey").Result);
        var login = Check(report, "login");
        Assert.Equal((ValidationCheckResult.Failed, "credentials.password"), (login.Result, login.Field));
        Assert.Contains(sftp.Username, login.Detail);
        Assert.Equal(ValidationCheckResult.Skipped, Check(report, "folder").Result);
    }

    [Fact]
    public async Task ADraftWithoutALoginSaysSoWithoutClaimingTheServerOrItsKeyWereChecked()
    {
        // A wrong key is pinned: a report that says the host key passed would be false.
        var settings = _harness.Settings(_folder, hostKey: "SHA256:" + Convert.ToBase64String(new byte[32]).TrimEnd('='));

        var response = await _harness.Client.PostAsJsonAsync("/api/compliance/connectors/validate",
            new { type = ConnectorTypes.InstantBloomberg, settings });
        var report = (await response.Content.ReadFromJsonAsync<ValidationReport>(Json.Options))!;

        Assert.False(report.Succeeded);
        var login = Check(report, "login");
        Assert.Equal((ValidationCheckResult.Failed, "credentials.password"), (login.Result, login.Field));
        Assert.NotEqual(ValidationCheckResult.Passed, Check(report, "connect").Result);
        Assert.NotEqual(ValidationCheckResult.Passed, Check(report, "hostKey").Result);
    }

    [Fact]
    public async Task AnUnreachablePortFailsTheConnectCheckAndSkipsTheRest()
    {
        var settings = _harness.Settings(_folder);
        settings["port"] = ClosedPort();

        var report = await ValidateDraftAsync(settings, _harness.Credentials());

        Assert.False(report.Succeeded);
        var connect = Check(report, "connect");
        Assert.Equal((ValidationCheckResult.Failed, "settings.host"), (connect.Result, connect.Field));
        Assert.Null(report.ServerHostKey);
        Assert.All(new[] { "hostKey", "login", "folder", "decrypt" }, name => Assert.Equal(ValidationCheckResult.Skipped, Check(report, name).Result));
        // The PGP key does not need the server: it is still checked.
        Assert.Equal(ValidationCheckResult.Passed, Check(report, "pgpKey").Result);
    }

    [Fact]
    public async Task AMissingFolderFailsTheFolderCheckNamingTheSetting()
    {
        var settings = _harness.Settings(_folder + "-missing");

        var report = await ValidateDraftAsync(settings, _harness.Credentials());

        Assert.False(report.Succeeded);
        Assert.Equal(ValidationCheckResult.Passed, Check(report, "login").Result);
        var folder = Check(report, "folder");
        Assert.Equal((ValidationCheckResult.Failed, "settings.remoteFolder"), (folder.Result, folder.Field));
        Assert.Contains("does not exist", folder.Detail);
    }

    [Fact]
    public async Task AWrongPgpPassphraseFailsTheKeyCheckNamingThePassphrase()
    {
        var credentials = _harness.Credentials();
        credentials["pgpPassphrase"] = "not-the-passphrase";

        var report = await ValidateDraftAsync(_harness.Settings(_folder), credentials);

        Assert.False(report.Succeeded);
        var pgpKey = Check(report, "pgpKey");
        Assert.Equal((ValidationCheckResult.Failed, "credentials.pgpPassphrase"), (pgpKey.Result, pgpKey.Field));
        // The SFTP side is fine and says so: only the passphrase needs fixing.
        Assert.Equal(ValidationCheckResult.Passed, Check(report, "login").Result);
    }

    [Fact]
    public async Task AKeyExpiringInTenDaysIsAWarningThatDoesNotFailValidation()
    {
        var soon = PgpTestKeys.Generate("expiring-key-passphrase", validFor: TimeSpan.FromDays(10));

        var report = await ValidateDraftAsync(_harness.Settings(_folder), _harness.Credentials(pgp: soon));

        var pgpKey = Check(report, "pgpKey");
        Assert.Equal((ValidationCheckResult.Warning, "credentials.pgpPrivateKey"), (pgpKey.Result, pgpKey.Field));
        Assert.Contains("expires on", pgpKey.Detail);
        Assert.True(report.Succeeded);
    }

    [Fact]
    public async Task ATamperedDeliveredFileFailsTheDecryptCheck()
    {
        // Not compressed: nothing but the integrity check at the end of the message can notice the flipped bit.
        var plain = FileDump(("room-1", [Message(Alice, T0, "hello")]));
        DeliverDay(PgpTestKeys.Tamper(PgpTestKeys.Default.Encrypt(plain, DayFile, armor: false, compress: false)));

        var report = await ValidateDraftAsync(_harness.Settings(_folder), _harness.Credentials());

        Assert.False(report.Succeeded);
        Assert.Equal(ValidationCheckResult.Passed, Check(report, "pgpKey").Result);
        var decrypt = Check(report, "decrypt");
        Assert.Equal(ValidationCheckResult.Failed, decrypt.Result);
        Assert.Contains(DayFile, decrypt.Detail);
        Assert.Contains("Integrity check failed", decrypt.Detail);
        // The file is damaged; the key is fine, so no setting is blamed.
        Assert.Null(decrypt.Field);
    }

    [Fact]
    public async Task AnExistingConnectorIsValidatedWithTheCredentialsItStores()
    {
        DeliverDay();
        var good = await _harness.CreateAsync(ConnectorTypes.InstantBloomberg, _folder);
        var badPassword = await _harness.CreateAsync(ConnectorTypes.InstantBloomberg, _folder, password: "not-the-password");

        var goodReport = await ValidateExistingAsync(good.Id);
        var badReport = await ValidateExistingAsync(badPassword.Id);

        Assert.True(goodReport.Succeeded);
        Assert.Equal(ValidationCheckResult.Passed, Check(goodReport, "decrypt").Result);
        Assert.False(badReport.Succeeded);
        Assert.Equal(ValidationCheckResult.Failed, Check(badReport, "login").Result);

        async Task<ValidationReport> ValidateExistingAsync(Guid id)
        {
            var response = await _harness.Client.PostAsync($"/api/compliance/connectors/{id}/validate", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<ValidationReport>(Json.Options))!;
        }
    }

    [Fact]
    public async Task AnHrConnectorHasNoConnectionToValidateAndTheProblemNamesTheType()
    {
        var created = await _harness.Client.PostAsJsonAsync("/api/compliance/connectors", new { name = $"HR {Guid.NewGuid():N}", type = "HR" });
        var hr = (await created.Content.ReadFromJsonAsync<ConnectorDto>(Json.Options))!;

        var existing = await ProblemAsync(await _harness.Client.PostAsync($"/api/compliance/connectors/{hr.Id}/validate", null));
        var draft = await ProblemAsync(await _harness.Client.PostAsJsonAsync("/api/compliance/connectors/validate", new { type = "HR" }));

        Assert.Contains("pushed", Assert.Single(existing.Errors["type"]));
        Assert.Contains(ConnectorTypes.InstantBloomberg, Assert.Single(draft.Errors["type"]));
    }

    [Fact]
    public async Task ADraftWithoutAHostIsRefusedWithAProblemNamingTheSetting()
    {
        var settings = _harness.Settings(_folder);
        settings.Remove("host");

        var problem = await ProblemAsync(await _harness.Client.PostAsJsonAsync("/api/compliance/connectors/validate",
            new { type = ConnectorTypes.InstantBloomberg, settings, credentials = _harness.Credentials() }));

        Assert.Equal(["settings.host"], problem.Errors.Keys);
    }

    [Fact]
    public async Task CreatingAConnectorWithAPgpKeyThatIsNotArmoredIsRefusedNamingTheCredential()
    {
        var credentials = _harness.Credentials();
        credentials["pgpPrivateKey"] = "mQENBGV0ZXN0IGtleSBieXRlcw==";

        var problem = await ProblemAsync(await _harness.Client.PostAsJsonAsync("/api/compliance/connectors", new
        {
            name = "Bloomberg with a raw key",
            type = ConnectorTypes.InstantBloomberg,
            settings = _harness.Settings(_folder),
            credentials,
        }));

        Assert.Equal(["credentials.pgpPrivateKey"], problem.Errors.Keys);
        var list = await _harness.Client.GetFromJsonAsync<Page<ConnectorDto>>("/api/compliance/connectors", Json.Options);
        Assert.Empty(list!.Items);
    }

    /// <summary>A loopback port nothing listens on: taken from the OS, then released.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
