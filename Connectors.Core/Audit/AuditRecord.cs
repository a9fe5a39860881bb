namespace Connectors.Audit;

/// <summary>
/// One administrative change: who, when, from where, what, to what. Written in the same transaction as
/// the change it describes. Never holds secret values.
/// </summary>
public sealed class AuditRecord
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public string? ClientAddress { get; set; }
    public required string Action { get; set; }
    public required string TargetType { get; set; }
    public string? TargetId { get; set; }
    /// <summary>JSON describing the change (names of fields changed, never credential values).</summary>
    public string? Details { get; set; }
    /// <summary>Position in the hash chain (commit order), assigned by PostgreSQL when the record is written.</summary>
    public long Seq { get; set; }
    /// <summary>SHA-256 (hex) of the previous record in the chain; 64 zeros for the first.</summary>
    public string PrevHash { get; set; } = "";
    /// <summary>SHA-256 (hex) of this record's fields and <see cref="PrevHash"/>: changing any earlier record breaks every later link.</summary>
    public string Hash { get; set; } = "";
}

/// <summary>Who is acting, for the audit trail.</summary>
public sealed record Actor(string Name, string? ClientAddress)
{
    public static readonly Actor System = new("system", null);
}

public static class AuditActions
{
    public const string ConnectorCreated = "connector.created";
    public const string ConnectorChanged = "connector.changed";
    public const string ConnectorCredentialsChanged = "connector.credentials-changed";
    public const string ConnectorValidated = "connector.validated";
    public const string ConnectorRemoved = "connector.removed";
    public const string ConnectorRunRequested = "connector.run-requested";
    public const string SignalsUploaded = "signals.uploaded";
    public const string FileUploaded = "connector.file-uploaded";
    public const string ApiKeyIssued = "apikey.issued";
    public const string ApiKeyRevoked = "apikey.revoked";
    public const string UserCreated = "user.created";
    public const string UserChanged = "user.changed";
    public const string UserSignedIn = "user.signed-in";
    public const string RetentionPolicyChanged = "retention-policy.changed";
    public const string DispositionDecided = "disposition.decided";
    public const string ItemPurged = "item.purged";
    public const string HoldPlaced = "hold.placed";
    public const string HoldReleased = "hold.released";
    public const string DlpPolicyChanged = "dlp-policy.changed";
    public const string DlpTypeChanged = "dlp-type.changed";
    public const string PolicyEvaluationRequested = "policy.evaluation-requested";
    public const string LexiconChanged = "lexicon.changed";
    public const string SupervisionPolicyChanged = "supervision-policy.changed";
    public const string ReviewAction = "review.action";
    public const string ReviewItemOpened = "review.item-opened";
    public const string IntegrityCheckRequested = "integrity.check-requested";
    public const string ExportMade = "export.made";
    public const string RiskAlertTriaged = "risk-alert.triaged";
}

public static class HttpContextActorExtensions
{
    /// <summary>The caller as the audit trail records them: the authenticated name and the client address.</summary>
    public static Actor Actor(this Microsoft.AspNetCore.Http.HttpContext context) =>
        new(context.User.Identity?.Name ?? "anonymous", context.Connection.RemoteIpAddress?.ToString());
}
