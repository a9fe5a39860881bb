namespace Connectors.Security;

/// <summary>Roles of API keys and site users. A higher role includes everything a lower one may do.</summary>
public enum Role
{
    ComplianceViewer = 0,
    ComplianceAdministrator = 1,
    GlobalAdministrator = 2,
}

public static class Policies
{
    /// <summary>Read connectors, status and history.</summary>
    public const string View = "ComplianceViewer";
    /// <summary>Configure connectors, run them, push signals.</summary>
    public const string Configure = "ComplianceAdministrator";
    /// <summary>Keys, users and the audit log.</summary>
    public const string Administer = "GlobalAdministrator";

    public static IEnumerable<string> RolesAllowed(Role minimum) =>
        Enum.GetValues<Role>().Where(r => r >= minimum).Select(r => r.ToString());
}
