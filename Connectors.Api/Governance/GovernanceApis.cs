using Connectors.Api.Audit;

namespace Connectors.Api.Governance;

public static class GovernanceApis
{
    /// <summary>Retention, holds, DLP, supervision, integrity and the audit log.</summary>
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
        return app;
    }
}
