using System.Text.Json;
using Connectors.Connectors;
using Connectors.Credentials;
using Connectors.Imports;
using Connectors.Sources.Files;
using Connectors.Sources.Slack;
using Connectors.Sources.Slack.Api;

namespace Connectors.Tests.SlackApi;

/// <summary>
/// The <c>Slack</c> source as the tests wire it, the way VendorFileSource will: export files first (here one ZIP
/// named in the settings), then the API importer with the connector's settings, token and source account.
/// </summary>
public sealed class SlackApiTestSource(SlackApiImporter importer, CredentialProtector protector) : IConnectorSource
{
    public string Type => ConnectorTypes.Slack;

    public async Task ImportAsync(ImportContext context, CancellationToken cancellationToken)
    {
        var settings = ConnectorSettings.Read<SlackApiTestSettings>(context.Connector);
        var credentials = context.Connector.ProtectedCredentials is { } p
            ? JsonSerializer.Deserialize<SlackApiTestCredentials>(protector.Unprotect(p), JsonSerializerOptions.Web)
            : null;
        if (settings.ExportFile is { } export)
        {
            await using var zip = File.OpenRead(export);
            var items = new SlackExportParser().Parse(zip, new FileParseContext(settings.SourceAccount!, Path.GetFileName(export)), cancellationToken)
                .OfType<ParsedItem>().Select(i => i.Item).ToList();
            await context.ImportBatchAsync(items, null, cancellationToken);
        }
        await importer.ImportAsync(context, settings.SlackApi, credentials?.ApiToken, settings.SourceAccount, cancellationToken);
    }
}

/// <summary>The settings the connector will have once wired: the source account and <c>slackApi</c>.</summary>
public sealed record SlackApiTestSettings(string? SourceAccount = null, SlackApiSettings? SlackApi = null, string? ExportFile = null);

public sealed record SlackApiTestCredentials(string? ApiToken = null);
