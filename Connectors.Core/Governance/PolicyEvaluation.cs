namespace Connectors.Governance;

public enum PolicyKind
{
    Dlp,
    Supervision,
}

public enum EvaluationStatus
{
    Queued,
    Running,
    Completed,
    Failed,
}

/// <summary>
/// A policy re-run over items already archived, requested through the API and worked by the worker in
/// bounded batches (resumable: <see cref="LastItemId"/> is committed with each batch's results).
/// </summary>
public sealed class PolicyEvaluation
{
    public long Id { get; set; }
    public PolicyKind Kind { get; set; }
    public Guid PolicyId { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public EvaluationStatus Status { get; set; }
    public long ItemsScanned { get; set; }
    public long ItemsMatched { get; set; }
    public long LastItemId { get; set; }
    /// <summary>Refreshed with every batch; a running evaluation whose heartbeat stops is resumed by another worker.</summary>
    public DateTimeOffset? HeartbeatAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? Error { get; set; }
}
