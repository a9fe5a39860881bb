using Connectors.Connectors;
using Connectors.Credentials;
using Connectors.Imports;
using Connectors.Sources.Http;
using Microsoft.Extensions.Logging;

namespace Connectors.Sources.Zoom;

/// <summary>
/// Collects a Zoom account through its API with a Server-to-Server OAuth app: for each user, team chat (every
/// channel and group chat the user is in, and every one-to-one chat they had in the period) including edits
/// and deletions as versions, and cloud recordings (file metadata, with the in-meeting chat file downloaded and
/// split into one item per message). The period runs from the cursor minus the lookback to today, in windows of
/// at most 30 days; each window's items commit in batches, and the cursor moves past a window when it is done.
/// </summary>
public sealed class ZoomSource(IHttpClientFactory httpClients, CredentialProtector protector, ILogger<ZoomSource> logger) : IConnectorSource
{
    public const int BatchSize = 500;

    /// <summary>Zoom lists recordings for at most a month per request; chat is read in the same windows.</summary>
    public const int MaxWindowDays = 30;

    public string Type => ConnectorTypes.Zoom;

    public async Task ImportAsync(ImportContext context, CancellationToken cancellationToken)
    {
        var connector = context.Connector;
        var settings = ConnectorSettings.Read<ZoomSettings>(connector);
        if (settings.Validate(Type) is { Count: > 0 } problems)
        {
            throw new InvalidOperationException("The Zoom connector's settings are not valid: " +
                string.Join("; ", problems.Select(p => $"{p.Key}: {string.Join(" ", p.Value)}")));
        }
        var credentials = ZoomCredentials.Read(connector.ProtectedCredentials is { } secret ? protector.Unprotect(secret) : null);
        var api = new ZoomApiClient(httpClients.CreateClient(SourceHttp.ClientName), settings, credentials, context.Clock);

        var now = context.Clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var first = ZoomCursor.FirstDay(ZoomCursor.Parse(context.Cursor), connector.Lookback, settings, today);
        logger.LogInformation("{Connector}: collecting Zoom {From:yyyy-MM-dd} to {To:yyyy-MM-dd}", connector.Name, first, today);

        var import = new ZoomImport(context, api, settings, logger);
        await import.RunAsync(first, today, now, cancellationToken);
        logger.LogInformation("{Connector}: Zoom collection done with {Tokens} token request(s)", connector.Name, api.TokensRequested);
    }
}
