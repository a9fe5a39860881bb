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
}

public static class HttpContextActorExtensions
{
    /// <summary>The caller as the audit trail records them: the authenticated name and the client address.</summary>
    public static Actor Actor(this Microsoft.AspNetCore.Http.HttpContext context) =>
        new(context.User.Identity?.Name ?? "anonymous", context.Connection.RemoteIpAddress?.ToString());
}
