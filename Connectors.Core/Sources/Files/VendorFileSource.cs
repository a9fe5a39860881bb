using System.Text.RegularExpressions;
using Connectors.Archive;
using Connectors.Credentials;
using Connectors.Evidence;
using Connectors.Imports;
using Connectors.Sources.Sftp;
using Connectors.Sources.Slack.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Connectors.Sources.Files;

/// <summary>
/// Collects a vendor's daily files from its SFTP site and imports them: every file new or changed since it
/// was last processed is streamed into the evidence store as delivered (still encrypted), decrypted and
/// parsed from there, and its items go through the pipeline in batches. A file that cannot be read is one
/// failed item with its reason; the other files of the run are imported.
/// </summary>
public sealed partial class VendorFileSource(string type, CredentialProtector protector, SlackApiImporter slackApi,
    ILogger<VendorFileSource> logger) : IConnectorSource
{
    public const int BatchSize = 2000;

    public string Type { get; } = type;

    public async Task ImportAsync(ImportContext context, CancellationToken cancellationToken)
    {
        var connector = context.Connector;
        var settings = Connectors.ConnectorSettings.Read<VendorFileSettings>(connector);
        var credentials = VendorFileCredentials.Read(connector.ProtectedCredentials is { } p ? protector.Unprotect(p) : null);
        var evidence = new EvidenceStore(context.Db.Database.GetConnectionString()!);
        var pgp = credentials.PgpPrivateKey is { } key ? new PgpPrivateKeyMaterial(key, credentials.PgpPassphrase ?? "") : null;

        if (pgp is not null)
        {
            await WarnOfKeyExpiryAsync(context, settings, pgp, cancellationToken);
        }

        var processed = await context.Db.DeliveredFiles.AsNoTracking()
            .Where(f => f.ConnectorId == connector.Id)
            .ToDictionaryAsync(f => f.SourcePath, cancellationToken);
        if (VendorParsers.AcceptsUploads(Type))
        {
            await PushedFiles.ImportAsync(context, Type, settings, pgp, processed, cancellationToken);
        }
        if (settings.SlackApi is not null && Type == Connectors.ConnectorTypes.Slack)
        {
            await slackApi.ImportAsync(context, settings.SlackApi, credentials.ApiToken, settings.SourceAccount, cancellationToken);
        }
        if (!settings.UsesSftp)
        {
            return;
        }

        await using var store = await SftpFileStore.ConnectAsync(settings.Endpoint(credentials), cancellationToken);
        var listed = await store.ListAsync(settings.RemoteFolder, settings.PatternsFor(Type), settings.Recursive, cancellationToken);
        var due = listed.Where(f => !processed.TryGetValue(f.Path, out var seen) || seen.Size != f.Size || seen.SourceModifiedAt != f.ModifiedUtc).ToList();
        logger.LogInformation("{Connector}: {Listed} files listed, {Due} new or changed", connector.Name, listed.Count, due.Count);

        // One delivery = the files of one folder and date: attachment archives first (their content is
        // referenced by the messages), then the data files, then control totals that count them.
        foreach (var delivery in due.GroupBy(f => DeliveryKey(f.Path)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var run = new DeliveryRun(context, settings, evidence, pgp, store, processed);
            foreach (var file in delivery.OrderBy(f => Stage(f.Name)).ThenBy(f => f.Name, StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                await run.ProcessAsync(file, Parsers(settings), cancellationToken);
            }
            run.ReconcileDelivery(listed.Where(f => DeliveryKey(f.Path) == delivery.Key));
        }
    }

    /// <summary>Pushed files are stored under <c>upload:{id}/{name}</c>, beside the paths of collected ones.</summary>
    public const string UploadPrefix = PushedFiles.UploadPrefix;

    /// <summary>Vendors can no longer encrypt to an expired key: warn while there is time to rotate it.</summary>
    private static async Task WarnOfKeyExpiryAsync(ImportContext context, VendorFileSettings settings, PgpPrivateKeyMaterial pgp,
        CancellationToken cancellationToken)
    {
        PgpKeyInfo info;
        try
        {
            info = PgpDecryptor.Inspect(pgp);
        }
        catch (PgpDecryptionException ex)
        {
            throw new SourceAuthenticationException($"The connector's PGP private key cannot be used: {ex.Message}", ex);
        }
        if (!info.PassphraseOk)
        {
            throw new SourceAuthenticationException($"The passphrase does not unlock the connector's PGP key {info.KeyId} (credentials.pgpPassphrase).");
        }
        var now = context.Clock.GetUtcNow();
        var connector = context.Connector;
        if (info.Expires is not { } expires || expires - now > TimeSpan.FromDays(settings.KeyExpiryWarningDays))
        {
            // The key was rotated (or the warning period changed): an earlier warning no longer holds.
            await Alerts.AlertRaiser.ResolveAsync(context.Db, connector.Id, [Alerts.AlertKind.KeyExpiring],
                $"system: run {context.Run.Id} found PGP key {info.KeyId} valid", now, cancellationToken);
            return;
        }
        var message = expires <= now
            ? $"The PGP key {info.KeyId} of {connector.Name} expired on {expires:u}: vendors can no longer encrypt new files to it."
            : $"The PGP key {info.KeyId} of {connector.Name} expires on {expires:u} ({(expires - now).TotalDays:0} days): rotate it with the vendor before then.";
        await Alerts.AlertRaiser.RaiseAsync(context.Db, new Alerts.AlertRaiser.Subject(connector.Id, connector.Name, connector.Type),
            Alerts.AlertKind.KeyExpiring, expires <= now ? Alerts.AlertSeverity.Critical : Alerts.AlertSeverity.Warning, message,
            context.Run.Id, now, cancellationToken);
    }

    private IReadOnlyList<IVendorFileParser> Parsers(VendorFileSettings settings) => VendorParsers.For(Type, settings);

    /// <summary>Attachment archives, then data, then summaries.</summary>
    internal static int Stage(string name) =>
        name.Contains(".tar", StringComparison.OrdinalIgnoreCase) ? 0
        : name.Contains("summary", StringComparison.OrdinalIgnoreCase) ? 2
        : 1;

    /// <summary>The folder and the date token in the name (YYMMDD or YYYYMMDD): the files delivered together.</summary>
    internal static string DeliveryKey(string path)
    {
        var folder = path.Contains('/') ? path[..path.LastIndexOf('/')] : "";
        var name = path[(path.LastIndexOf('/') + 1)..];
        var date = DateToken().Match(name);
        return $"{folder}|{(date.Success ? date.Value : "")}";
    }

    [GeneratedRegex(@"(?<![0-9])([0-9]{8}|[0-9]{6})(?![0-9])")]
    private static partial Regex DateToken();
}
