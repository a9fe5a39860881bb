namespace Connectors.Imports;

/// <summary>
/// The seam every source plugs into: read the source, hand items to the context, commit in batches.
/// Adding a source is one folder with one implementation and one registration line.
/// </summary>
public interface IConnectorSource
{
    /// <summary>The canonical connector type id this source imports (see ConnectorTypes).</summary>
    string Type { get; }

    Task ImportAsync(ImportContext context, CancellationToken cancellationToken);
}

/// <summary>The source rejected our credentials: the connector needs an administrator (NeedsReauth).</summary>
public sealed class SourceAuthenticationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Another run took the connector over (our lease epoch is stale): nothing of ours may commit.</summary>
public sealed class StaleLeaseException(Guid connectorId, long epoch, long current)
    : Exception($"Connector {connectorId}: lease epoch {epoch} is stale (current {current}); the commit was refused.");
