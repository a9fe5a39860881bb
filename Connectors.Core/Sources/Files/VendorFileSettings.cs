using System.ComponentModel;
using System.Text.Json;
using Connectors.Connectors;
using Connectors.Sources.Ice;
using Connectors.Sources.Sftp;
using Connectors.Sources.Slack.Api;

namespace Connectors.Sources.Files;

/// <summary>
/// Settings of a connector that collects vendor files from an SFTP site (Bloomberg, ICE, Refinitiv).
/// Secrets are not here: they are the connector's credentials (<see cref="VendorFileCredentials"/>).
/// </summary>
public sealed record VendorFileSettings(
    [property: Description("SFTP host name or address.")] string? Host = null,
    [property: Description("SFTP port. Default 22.")] int Port = 22,
    [property: Description("The login the vendor assigned.")] string? Username = null,
    [property: Description("The server's host key fingerprint, SHA256:… as ssh-keygen -lf prints it. Validation shows the key the server presents.")] string? HostKeySha256 = null,
    [property: Description("Folder on the SFTP site. Default /.")] string RemoteFolder = "/",
    [property: Description("File name patterns (* and ?), case-insensitive. Default: the vendor's daily file names.")] IReadOnlyList<string>? FilePatterns = null,
    [property: Description("Also look in sub-folders.")] bool Recursive = false,
    [property: Description("The vendor account that scopes ids: Bloomberg customer id, ICE company, Refinitiv firm, Slack team id.")] string? SourceAccount = null,
    [property: Description("Days the vendor keeps a file before deleting it. Default 21 (Bloomberg).")] int SourceRetentionDays = 21,
    [property: Description("Alert when no run has succeeded for this many days. Default 3.")] int RetentionAlertAfterDays = 3,
    [property: Description("Alert this many days before the PGP key expires. Default 30.")] int KeyExpiryWarningDays = 30,
    [property: Description("Largest attachment kept, in bytes; a larger one makes its item partially imported. Default 100 MB.")] long MaxAttachmentBytes = 100L * 1024 * 1024,
    [property: Description("ICE Chat only: element names of the vendor's XML.")] IceChatSchema? IceSchema = null,
    [property: Description("Slack only: also read the workspace through the Slack Web API with credentials.apiToken.")] SlackApiSettings? SlackApi = null)
{
    /// <summary>The file names each vendor delivers (plain or PGP-encrypted, split parts included).</summary>
    public static IReadOnlyList<string> DefaultPatterns(string type) => ConnectorTypes.Find(type)?.Id switch
    {
        ConnectorTypes.InstantBloomberg => ["*.ib19.*.xml*", "*.ib19.att.*.tar.gz*"],
        ConnectorTypes.BloombergMessage => ["*.msg.*.xml*", "*.dscl.*.xml*", "*.msg.att.*.tar.gz*"],
        ConnectorTypes.RefinitivMessenger => ["*messages*.xml*", "*summary*.xml*"],
        ConnectorTypes.Slack => ["*.zip"],
        // ICE's own file names are not documented: the defaults follow the parser's (IceChatSchema.FileNamePatterns).
        _ => ["*ice*.xml*", "*ice*.tar.gz*"],
    };

    /// <summary>
    /// The file name patterns listed at the source: <see cref="FilePatterns"/> when set; for ICE Chat with an
    /// <see cref="IceSchema"/>, its file names (plus encrypted or split variants) so the parser sees what it reads.
    /// </summary>
    public IReadOnlyList<string> PatternsFor(string type)
    {
        if (FilePatterns is { Count: > 0 } patterns)
        {
            return patterns;
        }
        if (ConnectorTypes.Find(type)?.Id == ConnectorTypes.IceChat && IceSchema?.FileNamePatterns is { Count: > 0 } names)
        {
            var archives = DefaultPatterns(type).Where(p => p.Contains(".tar", StringComparison.Ordinal));
            return [.. names.Select(n => n.Trim().EndsWith('*') ? n.Trim() : n.Trim() + "*"), .. archives];
        }
        return DefaultPatterns(type);
    }

    /// <summary>Whether files come from an SFTP site; without a host, connectors that take uploads get them through the API.</summary>
    public bool UsesSftp => !string.IsNullOrWhiteSpace(Host);

    public Dictionary<string, string[]> Validate(string type)
    {
        var errors = new Dictionary<string, string[]>();
        var uploadOnly = !UsesSftp && Username is null && VendorParsers.AcceptsUploads(type);
        if (!UsesSftp && !uploadOnly)
        {
            errors["settings.host"] = [VendorParsers.AcceptsUploads(type)
                ? "Give the SFTP host, or leave out host and username to push files through the API."
                : "The SFTP host is required."];
        }
        if (Port is < 1 or > 65535)
        {
            errors["settings.port"] = ["The port must be between 1 and 65535."];
        }
        if (!uploadOnly && string.IsNullOrWhiteSpace(Username))
        {
            errors["settings.username"] = ["The SFTP user name is required."];
        }
        if (HostKeySha256 is not null && !HostKeySha256.StartsWith("SHA256:", StringComparison.Ordinal))
        {
            errors["settings.hostKeySha256"] = ["Write the fingerprint as ssh-keygen -lf prints it: SHA256:<base64>."];
        }
        if (string.IsNullOrWhiteSpace(SourceAccount))
        {
            errors["settings.sourceAccount"] = ["The vendor account (e.g. the Bloomberg customer id) is required: it scopes every item's key."];
        }
        if (FilePatterns is not null && FilePatterns.Any(string.IsNullOrWhiteSpace))
        {
            errors["settings.filePatterns"] = ["File name patterns cannot be empty."];
        }
        if (SourceRetentionDays is < 1 or > 3650)
        {
            errors["settings.sourceRetentionDays"] = ["Between 1 and 3650 days."];
        }
        if (RetentionAlertAfterDays < 1 || RetentionAlertAfterDays >= SourceRetentionDays)
        {
            errors["settings.retentionAlertAfterDays"] = ["At least 1 day and fewer than the source's retention days."];
        }
        if (KeyExpiryWarningDays is < 0 or > 365)
        {
            errors["settings.keyExpiryWarningDays"] = ["Between 0 and 365 days."];
        }
        if (MaxAttachmentBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            errors["settings.maxAttachmentBytes"] = ["Between 1 KB and 1 GB."];
        }
        foreach (var (key, messages) in (IceSchema ?? IceChatSchema.Default).Validate())
        {
            errors["settings." + key] = messages;
        }
        if (SlackApi is not null)
        {
            if (ConnectorTypes.Find(type)?.Id != ConnectorTypes.Slack)
            {
                errors["settings.slackApi"] = ["Only Slack connectors read the Slack Web API."];
            }
            foreach (var (key, messages) in SlackApi.Validate())
            {
                errors[key] = messages;
            }
        }
        return errors;
    }

    public SftpEndpoint Endpoint(VendorFileCredentials credentials) =>
        new(Host!, Port, Username!, HostKeySha256, credentials.Password, credentials.PrivateKey, credentials.PrivateKeyPassphrase);
}

/// <summary>The secrets of a vendor file connector, stored encrypted and never returned.</summary>
public sealed record VendorFileCredentials(
    string? Password = null,
    string? PrivateKey = null,
    string? PrivateKeyPassphrase = null,
    string? PgpPrivateKey = null,
    string? PgpPassphrase = null,
    string? ApiToken = null)
{
    public static VendorFileCredentials Read(string? json) =>
        json is null ? new() : JsonSerializer.Deserialize<VendorFileCredentials>(json, JsonSerializerOptions.Web) ?? new();

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(Password) && string.IsNullOrEmpty(PrivateKey) && string.IsNullOrEmpty(ApiToken))
        {
            errors["credentials.password"] = ["Give a password or a private key for the SFTP login (or, for Slack, an apiToken)."];
        }
        if (PrivateKey is not null && !PrivateKey.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            errors["credentials.privateKey"] = ["The private key must be OpenSSH or PEM text (-----BEGIN … PRIVATE KEY-----)."];
        }
        if (PgpPrivateKey is not null && !PgpPrivateKey.Contains("PGP PRIVATE KEY BLOCK", StringComparison.Ordinal))
        {
            errors["credentials.pgpPrivateKey"] = ["The PGP key must be an ASCII-armored secret key (-----BEGIN PGP PRIVATE KEY BLOCK-----)."];
        }
        return errors;
    }
}
