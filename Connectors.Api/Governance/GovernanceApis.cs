using Connectors.Api.Audit;
using Connectors.Api.InsiderRisk;

namespace Connectors.Api.Governance;

public static class GovernanceApis
{
    /// <summary>Retention, holds, DLP, supervision, integrity, the audit log and insider-risk alerts.</summary>
    public static IEndpointRouteBuilder MapGovernanceApi(this IEndpointRouteBuilder app)
    {
        app.MapRetentionApi();
        app.MapHoldsApi();
        app.MapDlpApi();
        app.MapSupervisionApi();
        app.MapReviewQueueApi();
        app.MapEvaluationsApi();
        app.MapIntegrityApi();
        app.MapAuditApi();
        app.MapInsiderRiskApi();
        return app;
    }
}
