namespace Connectors.Runs;

public enum RunOutcome
{
    Succeeded,
    Partial,
    Failed,
    NoItems,
}

/// <summary>Whether the source's own control totals (a manifest, a summary file, an API total) agreed with what was read.</summary>
public enum ReconciliationResult
{
    NotProvided,
    Matched,
    Mismatch,
}

public enum RunTrigger
{
    Schedule,
    Manual,
    Upload,
    /// <summary>The previous run's worker died mid-run; this run replays what it had not committed.</summary>
    Recovery,
}

/// <summary>One import run with the counters of the reference product's admin log.</summary>
public sealed class ImportRun
{
    public long Id { get; set; }
    public Guid ConnectorId { get; set; }
    public RunTrigger Trigger { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Null while the run is in progress.</summary>
    public RunOutcome? Outcome { get; set; }
    public long LeaseEpoch { get; set; }
    public string? WorkerId { get; set; }
    public string? Error { get; set; }

    public ImportCounts Counts { get; set; } = new();

    public ReconciliationResult Reconciliation { get; set; } = ReconciliationResult.NotProvided;
    /// <summary>What was reconciled against what, e.g. "summary.xml 2026-11-24: 1,204 expected, 1,204 read".</summary>
    public string? ReconciliationDetail { get; set; }

    /// <summary>Quarantined items (from earlier runs) this run placed after a mapping was added. Not part of the equations.</summary>
    public long ItemsReleasedFromQuarantine { get; set; }
}

/// <summary>
/// The per-run accounting. Two equations must hold at the end of every run:
/// from-source = parsed + failed-to-parse, and
/// for-import = imported + partial + duplicate + failed + quarantined + excluded.
/// An item that fails to parse is one copy for import and one failed item, so it is never lost between them.
/// </summary>
public sealed class ImportCounts
{
    public long ItemsFromSource { get; set; }
    public long ItemsParsed { get; set; }
    public long ItemsFailedToParse { get; set; }
    public long ItemsForImport { get; set; }
    public long ItemsImported { get; set; }
    public long ItemsPartiallyImported { get; set; }
    public long ItemsSkippedDuplicate { get; set; }
    public long ItemsFailed { get; set; }
    public long ItemsQuarantined { get; set; }
    public long ItemsExcluded { get; set; }

    /// <summary>Returns a description of each equation that does not hold.</summary>
    public IReadOnlyList<string> Imbalances()
    {
        var problems = new List<string>();
        if (ItemsFromSource != ItemsParsed + ItemsFailedToParse)
        {
            problems.Add($"from source ({ItemsFromSource}) != parsed ({ItemsParsed}) + failed to parse ({ItemsFailedToParse})");
        }
        var accounted = ItemsImported + ItemsPartiallyImported + ItemsSkippedDuplicate + ItemsFailed + ItemsQuarantined + ItemsExcluded;
        if (ItemsForImport != accounted)
        {
            problems.Add($"for import ({ItemsForImport}) != imported + partial + duplicate + failed + quarantined + excluded ({accounted})");
        }
        return problems;
    }
}

/// <summary>An item that could not be imported, with the reason an administrator needs to act on it.</summary>
public sealed class ImportFailure
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public Guid ConnectorId { get; set; }
    public string? ItemId { get; set; }
    /// <summary>The file or upload the item came from, so per-file results can be shown.</summary>
    public string? SourceFile { get; set; }
    public int? RowNumber { get; set; }
    public string? Field { get; set; }
    public string? SourceUser { get; set; }
    public string? MappedAccount { get; set; }
    public required string Reason { get; set; }
}
