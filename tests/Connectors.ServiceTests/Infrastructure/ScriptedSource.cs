using System.Text;
using Connectors.Archive;
using Connectors.Imports;

namespace Connectors.Tests.Infrastructure;

/// <summary>
/// A source that replays a script: batches of items (with the cursor each batch reaches) and items it
/// cannot parse. It resumes after the cursor it is given, as a real source would, and can be told to
/// crash after a number of batches.
/// </summary>
public sealed class ScriptedSource(string type) : IConnectorSource
{
    public const string Account = "T-TEST";

    public string Type { get; } = type;
    public List<ScriptedBatch> Batches { get; } = [];
    /// <summary>Throw (as a crash would) after this many committed batches of one run.</summary>
    public int? CrashAfterBatches { get; set; }
    public List<string?> CursorsSeen { get; } = [];

    public async Task ImportAsync(ImportContext context, CancellationToken cancellationToken)
    {
        CursorsSeen.Add(context.Cursor);
        var start = context.Cursor is null ? 0 : Batches.FindIndex(b => b.Cursor == context.Cursor) + 1;
        var committed = 0;
        foreach (var batch in Batches.Skip(start))
        {
            foreach (var failure in batch.Unparseable)
            {
                context.FailedToParse(failure, itemId: failure);
            }
            await context.ImportBatchAsync(batch.Items, batch.Cursor, cancellationToken);
            if (++committed == CrashAfterBatches)
            {
                throw new IOException("Simulated crash after a committed batch.");
            }
        }
    }

    public static SourceIdentity Person(string id, string? email = null) => new(id, id.ToUpperInvariant(), email);

    public static SourceItem Message(string id, SourceIdentity from, IReadOnlyList<SourceIdentity> to, string text,
        DateTimeOffset? sent = null, VersionKind kind = VersionKind.Original, string? marker = null, string? partial = null) => new()
    {
        SourceAccount = Account,
        SourceId = id,
        ConversationId = "C1",
        Sender = from,
        Recipients = to,
        SentAt = sent ?? new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero),
        SentAtText = (sent ?? new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero)).ToString("O"),
        BodyText = text,
        Raw = Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","text":"{{text}}","kind":"{{kind}}"}"""),
        Kind = kind,
        VersionMarker = marker,
        PartialReason = partial,
    };
}

public sealed record ScriptedBatch(string Cursor, IReadOnlyList<SourceItem> Items, IReadOnlyList<string> Unparseable)
{
    public ScriptedBatch(string cursor, params SourceItem[] items) : this(cursor, items, []) { }
}
