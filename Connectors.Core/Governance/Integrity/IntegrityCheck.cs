namespace Connectors.Governance.Integrity;

public enum IntegrityCheckStatus
{
    Queued,
    Running,
    /// <summary>Every item, blob and audit record verified.</summary>
    Passed,
    /// <summary>At least one problem found; each is listed with the row it concerns.</summary>
    Failed,
    /// <summary>The check itself could not complete (the error is in <see cref="IntegrityCheck.Error"/>).</summary>
    Error,
}

/// <summary>One problem an integrity check found: which row, and what is wrong with it.</summary>
public sealed record IntegrityProblem(string Kind, string Target, string Detail);

/// <summary>
/// A run of the integrity verifier: re-hashes every archived item and stored blob against its stored hash
/// and walks the audit hash chain. Scheduled, and on demand through the API.
/// </summary>
public sealed class IntegrityCheck
{
    public long Id { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    /// <summary>Refreshed while the check runs; a running check whose heartbeat stops is taken over by another worker.</summary>
    public DateTimeOffset? HeartbeatAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public IntegrityCheckStatus Status { get; set; }
    public long ItemsChecked { get; set; }
    public long BlobsChecked { get; set; }
    public long AuditRecordsChecked { get; set; }
    /// <summary>The newest audit record's hash at the time of the check: keep it outside to anchor the chain.</summary>
    public string? AuditHeadHash { get; set; }
    /// <summary>JSON array of <see cref="IntegrityProblem"/>.</summary>
    public string Problems { get; set; } = "[]";
    public int ProblemCount { get; set; }
    public string? Error { get; set; }
}
