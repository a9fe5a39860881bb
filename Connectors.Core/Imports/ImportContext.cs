using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Mapping;
using Connectors.Data;
using Connectors.Governance;
using Connectors.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Connectors.Imports;

/// <summary>
/// What a source sees during one run: the connector, the run's counters and failures, and a commit that
/// writes the source's batch, the counters and the failures in one PostgreSQL transaction, after
/// checking the run still holds the connector's lease epoch (the fencing token).
/// </summary>
public sealed class ImportContext(ConnectorsDbContext db, Connector connector, ImportRun run, TimeProvider clock)
{
    private readonly List<ImportFailure> _pendingFailures = [];

    public Connector Connector { get; } = connector;
    public ImportRun Run { get; } = run;
    public ImportCounts Counts => Run.Counts;
    public TimeProvider Clock { get; } = clock;
    public ConnectorsDbContext Db { get; } = db;

    private IdentityResolver? _resolver;
    private GovernanceEvaluator? _governance;
    private Dictionary<Guid, string>? _accountEmails;

    /// <summary>The cursor the last committed batch left (null before the first); the source resumes from it.</summary>
    public string? Cursor { get; internal set; }

    /// <summary>The folder items of this connector's type are placed in.</summary>
    public string Folder => ConnectorTypes.Find(Connector.Type)?.FolderName ?? Connector.Type;

    /// <summary>
    /// Hands a batch of parsed items to the archive: maps their people, stores new items and versions,
    /// places them in mailboxes (or quarantine), and commits them together with <paramref name="cursor"/>
    /// and the run's counters in one transaction.
    /// </summary>
    public async Task<BatchOutcome> ImportBatchAsync(IReadOnlyList<SourceItem> items, string? cursor, CancellationToken cancellationToken)
    {
        using var activity = ImportRunner.ActivitySource.StartActivity("Import batch");
        activity?.SetTag("batch.size", items.Count);
        _resolver ??= await IdentityResolver.LoadAsync(Db, Connector, cancellationToken);
        var resolved = items.Select(i => new ResolvedItem(i, _resolver.Resolve(i))).ToList();
        var outcome = new BatchOutcome(0, 0, 0, 0, 0);
        _governance ??= await GovernanceEvaluator.LoadAsync(Db, Connector.Id, Connector.Type, null, cancellationToken);
        await CommitAsync(async (connection, transaction, ct) =>
        {
            var inserted = _governance.IsEmpty ? null : new List<(long ItemId, ResolvedItem Item)>();
            outcome = await ArchiveWriter.WriteAsync(connection, transaction, Connector.Id, Connector.Type, Folder, Run.Id,
                Clock.GetUtcNow(), resolved, ct, inserted);
            if (inserted is { Count: > 0 })
            {
                await EvaluatePoliciesAsync(inserted, ct);
            }
            await UnmappedWorklist.RecordAsync(connection, transaction, Connector.Id, resolved, ct);
            if (cursor is not null)
            {
                await SaveCursorAsync(connection, transaction, cursor, ct);
            }
            // Counted inside the transaction so the counters that commit match the items that commit.
            Counts.ItemsFromSource += items.Count;
            Counts.ItemsParsed += items.Count;
            Counts.ItemsForImport += resolved.Sum(r => Math.Max(1, r.Resolution.Mailboxes.Count));
            Counts.ItemsImported += outcome.Imported;
            Counts.ItemsPartiallyImported += outcome.PartiallyImported;
            Counts.ItemsSkippedDuplicate += outcome.Duplicates;
            Counts.ItemsQuarantined += outcome.Quarantined;
            Counts.ItemsExcluded += outcome.Excluded;
        }, cancellationToken);
        if (cursor is not null)
        {
            Cursor = cursor;
        }
        if (items.Count > 0)
        {
            ImportRunner.RecordLag(Clock.GetUtcNow() - items.Max(i => i.SentAt), Connector.Type);
        }
        return outcome;
    }

    /// <summary>
    /// DLP and supervision policies over the items this batch archived for the first time (new items and new
    /// versions), saved in the batch's transaction: an item is never archived without its policy results.
    /// </summary>
    private async Task EvaluatePoliciesAsync(List<(long ItemId, ResolvedItem Item)> inserted, CancellationToken cancellationToken)
    {
        _accountEmails ??= await Db.Accounts.AsNoTracking().ToDictionaryAsync(a => a.Id, a => a.Email, cancellationToken);
        var texts = await GovernanceEvaluator.AttachmentTextsAsync(Db, inserted.SelectMany(i => i.Item.Item.Attachments), cancellationToken);
        var items = inserted.Select(i =>
        {
            var (item, resolution) = (i.Item.Item, i.Item.Resolution);
            var emails = item.Participants.Select(p => p.Email).OfType<string>()
                .Concat(resolution.Mailboxes.Select(m => _accountEmails.GetValueOrDefault(m)).OfType<string>())
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            var attachments = item.Attachments.Where(a => texts.ContainsKey(a.Sha256.ToLowerInvariant()))
                .Select(a => (a.Name, texts[a.Sha256.ToLowerInvariant()])).ToList();
            return new ItemText(i.ItemId, ArchivedItem.KeyOf(Connector.Type, item.SourceAccount, item.SourceId), Connector.Id, Connector.Type,
                item.Subject, GovernanceEvaluator.BodyOf(item.BodyText, item.BodyHtml), attachments, emails);
        });
        var now = Clock.GetUtcNow();
        var result = _governance!.Evaluate(items, Run.Id, now);
        await _governance.SaveAsync(Db, result, Connector.Id, Connector.Name, Connector.Type, Run.Id, now, cancellationToken);
    }

    /// <summary>
    /// Records a control total the source provided (a manifest, a summary file, an API total) against what
    /// was actually read. Any mismatch makes the run's reconciliation a mismatch and raises an alert.
    /// </summary>
    public void Reconcile(string what, long expected, long actual)
    {
        var detail = $"{what}: {expected:N0} expected, {actual:N0} read";
        Run.ReconciliationDetail = Run.ReconciliationDetail is null ? detail : $"{Run.ReconciliationDetail}; {detail}";
        if (expected != actual)
        {
            Run.Reconciliation = ReconciliationResult.Mismatch;
        }
        else if (Run.Reconciliation == ReconciliationResult.NotProvided)
        {
            Run.Reconciliation = ReconciliationResult.Matched;
        }
    }

    /// <summary>An item the source could not parse: one item from the source, one failed copy for import.</summary>
    public void FailedToParse(string reason, string? itemId = null, string? sourceFile = null, int? rowNumber = null, string? field = null)
    {
        Counts.ItemsFromSource++;
        Counts.ItemsFailedToParse++;
        Counts.ItemsForImport++;
        Counts.ItemsFailed++;
        Fail(reason, itemId, sourceFile, rowNumber, field);
    }

    private async Task SaveCursorAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string cursor, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO connector_cursors (connector_id, value, run_id, updated_at) VALUES (@connector, @value, @run, @now)
            ON CONFLICT (connector_id) DO UPDATE SET value = excluded.value, run_id = excluded.run_id, updated_at = excluded.updated_at
            """, connection, transaction);
        command.Parameters.AddWithValue("connector", Connector.Id);
        command.Parameters.AddWithValue("value", cursor);
        command.Parameters.AddWithValue("run", Run.Id);
        command.Parameters.AddWithValue("now", Clock.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records a failed item; it is saved with the next commit.</summary>
    public void Fail(string reason, string? itemId = null, string? sourceFile = null, int? rowNumber = null, string? field = null,
        string? sourceUser = null, string? mappedAccount = null)
    {
        _pendingFailures.Add(new ImportFailure
        {
            RunId = Run.Id,
            ConnectorId = Connector.Id,
            Reason = reason,
            ItemId = itemId,
            SourceFile = sourceFile,
            RowNumber = rowNumber,
            Field = field,
            SourceUser = sourceUser,
            MappedAccount = mappedAccount,
        });
    }

    /// <summary>
    /// Runs <paramref name="batch"/> and saves the counters, the failures and any tracked changes in one
    /// transaction. If the lease epoch moved on, the transaction rolls back and <see cref="StaleLeaseException"/>
    /// is thrown: a crash or a lost lock replays at most this batch, and dedup absorbs the replay.
    /// </summary>
    public async Task CommitAsync(Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> batch, CancellationToken cancellationToken)
    {
        await using var transaction = await Db.Database.BeginTransactionAsync(cancellationToken);
        var connection = (NpgsqlConnection)Db.Database.GetDbConnection();
        var npgsqlTransaction = (NpgsqlTransaction)transaction.GetDbTransaction();

        await CheckLeaseAsync(connection, npgsqlTransaction, cancellationToken);
        await batch(connection, npgsqlTransaction, cancellationToken);

        Db.Failures.AddRange(_pendingFailures);
        Db.Runs.Update(Run);
        await Db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _pendingFailures.Clear();
    }

    /// <summary>Failures recorded since the last commit; the run's end saves them so none is lost.</summary>
    internal List<ImportFailure> TakePendingFailures()
    {
        var pending = _pendingFailures.ToList();
        _pendingFailures.Clear();
        return pending;
    }

    private async Task CheckLeaseAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // FOR UPDATE holds the row until commit, so a run starting now waits and then sees our batch.
        await using var command = new NpgsqlCommand("SELECT lease_epoch FROM connectors WHERE id = @id FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue("id", Connector.Id);
        var current = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (current != Run.LeaseEpoch)
        {
            throw new StaleLeaseException(Connector.Id, Run.LeaseEpoch, current);
        }
    }
}
