using System.Globalization;
using Connectors.Alerts;
using Connectors.Connectors;
using Connectors.Governance.Dlp;
using Connectors.Governance.Integrity;
using Connectors.Governance.Retention;
using Connectors.Governance.Supervision;
using Connectors.InsiderRisk;
using Connectors.Runs;
using Connectors.Security;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace Connectors.Web.Display;

/// <summary>How times, counts and states read on the site. All times are UTC: the reader's zone is unknown without JavaScript.</summary>
public static class Formatting
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    public static string Exact(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Count(long value) => value.ToString("N0", English);

    /// <summary>A numeric table cell: grouped digits to read, the raw number in <c>data-value</c> for scripts and tests.</summary>
    public static IHtmlContent CountCell(string field, long value)
    {
        var cell = new TagBuilder("td");
        cell.AddCssClass("num");
        cell.Attributes["data-field"] = field;
        cell.Attributes["data-value"] = value.ToString(CultureInfo.InvariantCulture);
        cell.InnerHtml.Append(Count(value));
        return cell;
    }

    /// <summary>"2 hours ago", "in 5 minutes", "just now".</summary>
    public static string Relative(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        var future = span < TimeSpan.Zero;
        var length = span.Duration();
        if (length < TimeSpan.FromMinutes(1))
        {
            return future ? "in under a minute" : "just now";
        }
        var text = length switch
        {
            { TotalHours: < 1 } => Plural((int)length.TotalMinutes, "minute"),
            { TotalDays: < 1 } => Plural((int)length.TotalHours, "hour"),
            { TotalDays: < 60 } => Plural((int)length.TotalDays, "day"),
            { TotalDays: < 730 } => Plural((int)(length.TotalDays / 30.44), "month"),
            _ => Plural((int)(length.TotalDays / 365.25), "year"),
        };
        return future ? $"in {text}" : $"{text} ago";
    }

    /// <summary>A relative time for reading, with the exact UTC time for machines and on hover.</summary>
    public static IHtmlContent Time(DateTimeOffset? at, DateTimeOffset now, string whenMissing = "Never") =>
        at is { } value
            ? TimeElement(value, value == DateTimeOffset.MaxValue ? "never" : Relative(value, now), title: true)
            : new HtmlContentBuilder().Append(whenMissing);

    /// <summary>The exact UTC time, for tables where the precise moment matters.</summary>
    public static IHtmlContent ExactTime(DateTimeOffset? at, string whenMissing = "—") =>
        at is { } value ? TimeElement(value, Exact(value), title: false) : new HtmlContentBuilder().Append(whenMissing);

    private static TagBuilder TimeElement(DateTimeOffset at, string text, bool title)
    {
        var time = new TagBuilder("time");
        time.Attributes["datetime"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (title)
        {
            time.Attributes["title"] = Exact(at);
        }
        time.InnerHtml.Append(text);
        return time;
    }

    public static string StatusText(ConnectorStatus status) => status switch
    {
        ConnectorStatus.WaitingToStart => "Waiting to start",
        ConnectorStatus.NeedsReauth => "Needs reauthorization",
        _ => status.ToString(),
    };

    /// <summary>A CSS hook per status; the text itself always says the status, colour only repeats it.</summary>
    public static string StatusClass(ConnectorStatus status) => "status status-" + status.ToString().ToLowerInvariant();

    public static string OutcomeText(RunOutcome? outcome) => outcome switch
    {
        null => "In progress",
        RunOutcome.NoItems => "No items",
        _ => outcome.Value.ToString(),
    };

    public static string OutcomeClass(RunOutcome? outcome) =>
        "outcome outcome-" + (outcome?.ToString().ToLowerInvariant() ?? "running");

    public static string ReconciliationText(ReconciliationResult result) => result switch
    {
        ReconciliationResult.NotProvided => "—",
        _ => result.ToString(),
    };

    public static string ReconciliationClass(ReconciliationResult result) =>
        "reconciliation reconciliation-" + result.ToString().ToLowerInvariant();

    /// <summary>What went wrong, in the words an administrator would use.</summary>
    public static string AlertKindText(AlertKind kind) => kind switch
    {
        AlertKind.RunFailed => "Run failed",
        AlertKind.RunPartial => "Partial run",
        AlertKind.ConsecutiveFailures => "Failing run after run",
        AlertKind.CredentialsRejected => "Credentials rejected",
        AlertKind.AccountingMismatch => "Item counts do not add up",
        AlertKind.ReconciliationMismatch => "Source totals do not match",
        AlertKind.UnmappedIdentities => "Unmapped identities",
        AlertKind.ZeroItems => "Unexpectedly no items",
        AlertKind.NoSuccessfulRun => "No successful run",
        AlertKind.SourceRetentionAtRisk => "Source data at risk of deletion",
        AlertKind.KeyExpiring => "Encryption key expiring",
        AlertKind.SourceDataLost => "Source data deleted before capture",
        _ => kind.ToString(),
    };

    public static string SeverityClass(AlertSeverity severity) => "severity severity-" + severity.ToString().ToLowerInvariant();

    public static string AlertStatusClass(AlertStatus status) => "alert-status alert-status-" + status.ToString().ToLowerInvariant();

    public static string RoleText(Role role) => role switch
    {
        Role.ComplianceViewer => "Compliance Viewer",
        Role.ComplianceAdministrator => "Compliance Administrator",
        Role.GlobalAdministrator => "Global Administrator",
        Role.ComplianceReviewer => "Compliance Reviewer",
        Role.InsiderRiskAnalyst => "Insider Risk Analyst",
        Role.EDiscoveryManager => "eDiscovery Manager",
        _ => role.ToString(),
    };

    public static string TypeName(string type) => ConnectorTypes.Find(type)?.DisplayName ?? type;

    public static string Schedule(ConnectorSchedule schedule)
    {
        if (schedule.Cron is { } cron)
        {
            return $"Cron \"{cron}\" ({schedule.TimeZone ?? "UTC"})";
        }
        var interval = schedule.Interval ?? ConnectorSchedule.Daily.Interval!.Value;
        return interval.Ticks switch
        {
            var t when t % TimeSpan.TicksPerDay == 0 => Every((int)interval.TotalDays, "day"),
            var t when t % TimeSpan.TicksPerHour == 0 => Every((int)interval.TotalHours, "hour"),
            var t when t % TimeSpan.TicksPerMinute == 0 => Every((int)interval.TotalMinutes, "minute"),
            _ => $"Every {interval:c}",
        };
    }

    /// <summary>Days in <paramref name="years"/> calendar years at most: a retention period is never shorter than the years it names.</summary>
    public static int DaysInYears(int years) => (int)Math.Ceiling(years * 365.25);

    /// <summary>"7 years" when the period is a whole number of years (as <see cref="DaysInYears"/> counts them), else "30 days".</summary>
    public static string RetentionPeriod(TimeSpan period)
    {
        var days = (int)Math.Ceiling(period.TotalDays);
        for (var years = days / 366; years <= days / 365 + 1; years++)
        {
            if (years > 0 && DaysInYears(years) == days)
            {
                return Plural(years, "year");
            }
        }
        return Plural(days, "day");
    }

    public static string RetentionScopeText(RetentionScope scope) => scope switch
    {
        RetentionScope.Organization => "Whole organization",
        RetentionScope.SourceType => "Source type",
        RetentionScope.ItemClass => "Item class",
        _ => scope.ToString(),
    };

    public static string RetentionActionText(RetentionAction action) => action switch
    {
        RetentionAction.Delete => "Delete",
        RetentionAction.DispositionReview => "Disposition review",
        RetentionAction.RetainOnly => "Retain only",
        _ => action.ToString(),
    };

    public static string ConfidenceText(DlpConfidence confidence) =>
        $"{confidence} ({((int)confidence).ToString(CultureInfo.InvariantCulture)})";

    /// <summary>"Every matching item" at 100%, else "25% of matching items".</summary>
    public static string SamplingText(int percent) =>
        percent >= 100 ? "Every matching item" : $"{percent.ToString(CultureInfo.InvariantCulture)}% of matching items";

    public static string ReviewStateText(ReviewState state) => state switch
    {
        ReviewState.FalsePositive => "False positive",
        _ => state.ToString(),
    };

    public static string ReviewStateClass(ReviewState state) => "review-state review-state-" + state.ToString().ToLowerInvariant();

    public static string ReviewActionText(ReviewActionKind action) => action switch
    {
        ReviewActionKind.FalsePositive => "Marked false positive",
        ReviewActionKind.Resolve => "Resolved",
        ReviewActionKind.Escalate => "Escalated",
        ReviewActionKind.Comment => "Commented",
        _ => action.ToString(),
    };

    public static string IntegrityStatusClass(IntegrityCheckStatus status) =>
        "integrity integrity-" + status.ToString().ToLowerInvariant();

    /// <summary>The first characters of a hash, enough to tell records apart at a glance.</summary>
    public static string ShortHash(string? hash) => string.IsNullOrEmpty(hash) ? "—" : hash.Length <= 12 ? hash : hash[..12] + "\u2026";

    /// <summary>
    /// Text with its hits in <c>mark</c> elements, with nothing added between the pieces (the text may be shown with
    /// its line breaks). Every piece is HTML-encoded: message content is never trusted markup.
    /// </summary>
    public static IHtmlContent Highlighted(IReadOnlyList<HighlightSegment> segments)
    {
        var html = new HtmlContentBuilder();
        foreach (var segment in segments)
        {
            if (!segment.IsHit)
            {
                html.Append(segment.Text);
                continue;
            }
            var mark = new TagBuilder("mark");
            if (segment.Term is { } term)
            {
                mark.Attributes["title"] = "Matched " + term;
                mark.Attributes["data-term"] = term;
            }
            mark.InnerHtml.Append(segment.Text);
            html.AppendHtml(mark);
        }
        return html;
    }

    /// <summary>An insider-risk policy's name as people say it; an unknown name is shown as stored.</summary>
    public static string RiskPolicyText(string policy) => policy switch
    {
        RiskPolicies.DepartingEmployee => "Departing employee",
        RiskPolicies.RiskyUser => "Risky user",
        RiskPolicies.FailedBadgeBurst => "Failed badge attempts",
        _ => policy,
    };

    /// <summary>What kind of signal contributed to an insider-risk alert; an unknown kind is shown as stored.</summary>
    public static string RiskContributionKindText(string kind) => kind switch
    {
        RiskContributionKinds.Resignation => "Resignation",
        RiskContributionKinds.PerformanceReview => "Performance review",
        RiskContributionKinds.ImprovementPlan => "Improvement plan",
        RiskContributionKinds.AfterHoursBadge => "After-hours badge entry",
        RiskContributionKinds.FailedBadge => "Failed badge attempt",
        RiskContributionKinds.DlpHit => "DLP match",
        RiskContributionKinds.UnusualVolume => "Unusual volume",
        _ => kind,
    };

    public static string RiskSeverityClass(RiskSeverity severity) => "risk-severity risk-severity-" + severity.ToString().ToLowerInvariant();

    public static string RiskStateClass(RiskState state) => "risk-state risk-state-" + state.ToString().ToLowerInvariant();

    private static string Every(int count, string unit) => count == 1 ? $"Every {unit}" : $"Every {count} {unit}s";

    private static string Plural(int count, string unit) => count == 1 ? $"1 {unit}" : $"{count} {unit}s";
}
