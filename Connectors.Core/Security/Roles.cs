namespace Connectors.Security;

/// <summary>
/// Roles of API keys and site users. The first three are tiers: a higher one includes everything a lower
/// one may do. The specialist roles (reviewers, insider-risk analysts, eDiscovery managers) each add one duty
/// to what a viewer may do; only a Global Administrator holds every duty.
/// </summary>
public enum Role
{
    ComplianceViewer = 0,
    ComplianceAdministrator = 1,
    GlobalAdministrator = 2,
    /// <summary>Supervises communications: works the review queue and opens flagged items whole.</summary>
    ComplianceReviewer = 3,
    /// <summary>Reads HR and badging signals and triages insider-risk alerts.</summary>
    InsiderRiskAnalyst = 4,
    /// <summary>Runs content searches, holds and exports for the cases they own.</summary>
    EDiscoveryManager = 5,
}

public static class Policies
{
    /// <summary>Read connectors, status and history.</summary>
    public const string View = "ComplianceViewer";
    /// <summary>Configure connectors, run them, push signals, manage governance policies and holds.</summary>
    public const string Configure = "ComplianceAdministrator";
    /// <summary>Keys, users and the audit log.</summary>
    public const string Administer = "GlobalAdministrator";
    /// <summary>The communication-compliance review queue and the items in it.</summary>
    public const string Review = "ComplianceReviewer";
    /// <summary>HR and badging signals and insider-risk alerts.</summary>
    public const string InsiderRisk = "InsiderRiskAnalyst";
    /// <summary>eDiscovery cases, searches and exports.</summary>
    public const string EDiscovery = "EDiscoveryManager";

    /// <summary>The policy name of each role's duty (what <see cref="RolesAllowed"/> checks for).</summary>
    public static readonly IReadOnlyDictionary<string, Role> All = new Dictionary<string, Role>
    {
        [View] = Role.ComplianceViewer,
        [Configure] = Role.ComplianceAdministrator,
        [Administer] = Role.GlobalAdministrator,
        [Review] = Role.ComplianceReviewer,
        [InsiderRisk] = Role.InsiderRiskAnalyst,
        [EDiscovery] = Role.EDiscoveryManager,
    };

    /// <summary>The roles that may do what <paramref name="required"/> may do.</summary>
    public static IEnumerable<string> RolesAllowed(Role required) =>
        Enum.GetValues<Role>().Where(r => r.Includes(required)).Select(r => r.ToString());

    /// <summary>Whether a holder of <paramref name="role"/> may do what <paramref name="required"/> may do.</summary>
    public static bool Includes(this Role role, Role required) => role switch
    {
        Role.GlobalAdministrator => true,
        Role.ComplianceAdministrator => required is Role.ComplianceAdministrator or Role.ComplianceViewer,
        _ => required == role || required == Role.ComplianceViewer,
    };
}
