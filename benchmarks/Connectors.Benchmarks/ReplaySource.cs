using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Imports;

namespace Connectors.Benchmarks;

/// <summary>
/// A Slack source that hands prepared messages to the pipeline in fixed batches. It ignores the stored
/// cursor on purpose, so a second run replays exactly the same items (the re-import case).
/// </summary>
internal sealed class ReplaySource : IConnectorSource
{
    public string Type => ConnectorTypes.Slack;

    /// <summary>The batches the next run hands over, each with the cursor it reaches.</summary>
    public IReadOnlyList<SourceItem[]> Batches { get; set; } = [];

    public async Task ImportAsync(ImportContext context, CancellationToken cancellationToken)
    {
        foreach (var batch in Batches)
        {
            await context.ImportBatchAsync(batch, batch[^1].SourceId, cancellationToken);
        }
    }
}
