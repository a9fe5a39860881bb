using Connectors.Connectors;
using Connectors.Data;
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
