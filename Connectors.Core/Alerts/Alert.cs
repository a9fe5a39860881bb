namespace Connectors.Alerts;

public enum AlertKind
{
    RunFailed,
    RunPartial,
    ConsecutiveFailures,
    CredentialsRejected,
    AccountingMismatch,
    ReconciliationMismatch,
    UnmappedIdentities,
    ZeroItems,
    NoSuccessfulRun,
    /// <summary>The source deletes data after a while and no run has succeeded for days: data is about to be lost.</summary>
    SourceRetentionAtRisk,
    /// <summary>The PGP key vendors encrypt to expires soon (or has expired).</summary>
    KeyExpiring,
    /// <summary>The source deleted data before it was captured: permanent, so only a person closes it.</summary>
    SourceDataLost,
    /// <summary>An alerting DLP policy matched imported items (the reason names masked values only).</summary>
    DlpPolicyMatch,
    /// <summary>The integrity verifier found a changed item, blob or audit record: only a person closes it.</summary>
    IntegrityViolation,
    /// <summary>The retention sweeper could not complete a pass.</summary>
    RetentionSweepFailed,
}

public enum AlertSeverity
{
    Info,
    Warning,
    Error,
    Critical,
}

public enum AlertStatus
{
    Open,
    Acknowledged,
    Resolved,
}

/// <summary>
/// Something an administrator must know about. At most one alert per connector and kind is open at a
/// time; raising it again counts the occurrence and can escalate its severity.
/// </summary>
public sealed class Alert
{
    public long Id { get; set; }
    public Guid? ConnectorId { get; set; }
    public long? RunId { get; set; }
    public AlertKind Kind { get; set; }
    public AlertSeverity Severity { get; set; }
    public required string Reason { get; set; }
    public AlertStatus Status { get; set; }
    public int Occurrences { get; set; } = 1;
    public DateTimeOffset RaisedAt { get; set; }
    public DateTimeOffset LastRaisedAt { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public string? AcknowledgedBy { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? ResolvedBy { get; set; }

    /// <summary>A person takes it on. Returns why not when the alert is not open.</summary>
    public string? Acknowledge(string by, DateTimeOffset at)
    {
        if (Status != AlertStatus.Open)
        {
            return $"Alert {Id} is {Status}; only open alerts can be acknowledged.";
        }
        (Status, AcknowledgedAt, AcknowledgedBy) = (AlertStatus.Acknowledged, at, by);
        return null;
    }

    /// <summary>A person closes it. Returns why not when it is already resolved.</summary>
    public string? Resolve(string by, DateTimeOffset at)
    {
        if (Status == AlertStatus.Resolved)
        {
            return $"Alert {Id} is already resolved.";
        }
        (Status, ResolvedAt, ResolvedBy) = (AlertStatus.Resolved, at, by);
        return null;
    }
}

/// <summary>The outbox: one webhook delivery per raised (or escalated) alert, written in the same transaction.</summary>
public sealed class AlertDelivery
{
    public long Id { get; set; }
    public long AlertId { get; set; }
    /// <summary>The JSON body as it was when the alert was raised.</summary>
    public required string Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    /// <summary>Set when retries are exhausted; the alert itself stays listed in the API.</summary>
    public DateTimeOffset? AbandonedAt { get; set; }
    public string? LastError { get; set; }
}

/// <summary>Where alerts are sent. One row; the secret signs each body (HMAC-SHA256) and is stored encrypted.</summary>
public sealed class WebhookSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    public string? Url { get; set; }
    public string? ProtectedSecret { get; set; }
    public bool Enabled { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
