using System.Globalization;

namespace Connectors.InsiderRisk;

/// <summary>
/// Correlates HR events with badge, DLP and archive-volume signals into risk findings. Pure: the same inputs,
/// settings and <c>now</c> always give the same findings with the same keys.
/// </summary>
/// <remarks>
/// Departing employee: a resignation, then after-hours badge entries, failed badge attempts, DLP hits or unusual
/// volume strictly after it and within <see cref="InsiderRiskSettings.DepartingWindow"/>. Risky user: the same after
/// a performance review or improvement plan, within <see cref="InsiderRiskSettings.RiskyUserWindow"/>. Failed badge
/// burst: see <see cref="FailedBurstSettings"/>. A volume day counts when its UTC midnight is at or after the
/// trigger. Signals after <c>now</c> are ignored. Severity follows <see cref="RiskSeverityRule"/>.
/// </remarks>
public static class RiskCorrelator
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private enum Group
    {
        Badge,
        Dlp,
        Volume,
    }

    private sealed record Activity(Guid AccountId, RiskContribution Contribution, Group Group, string? InfoType = null, int Items = 0, double Median = 0, DateOnly Day = default);

    /// <summary>Finds the risk alerts in the inputs, ordered by window start, policy and account.</summary>
    /// <exception cref="ArgumentException">The settings are not valid (see <see cref="InsiderRiskSettings.Validate"/>).</exception>
    public static IReadOnlyList<RiskFinding> Evaluate(InsiderRiskInputs inputs, InsiderRiskSettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(settings);
        var problems = settings.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(settings));
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(settings.AfterHours.TimeZoneId);
        var activities = Activities(inputs, settings, zone, now);
        var findings = new List<RiskFinding>();

        var triggers = inputs.HrEvents
            .Where(e => e.At <= now)
            .Select(e => (Event: e, Trigger: Trigger(e.Scenario)))
            .Where(t => t.Trigger is not null)
            .DistinctBy(t => (t.Trigger!.Value.Policy, t.Event.AccountId, t.Event.At.UtcTicks));
        foreach (var (hr, trigger) in triggers)
        {
            var (policy, kind) = trigger!.Value;
            var window = policy == RiskPolicies.DepartingEmployee ? settings.DepartingWindow : settings.RiskyUserWindow;
            var finding = HrFinding(hr, policy, kind, window, activities, settings);
            if (finding is not null)
            {
                findings.Add(finding);
            }
        }

        findings.AddRange(Bursts(inputs.Badges, settings, zone, now));

        return findings
            .OrderBy(f => f.WindowStart)
            .ThenBy(f => f.Policy, StringComparer.Ordinal)
            .ThenBy(f => f.AccountId)
            .ToList();
    }

    private static (string Policy, string Kind)? Trigger(string? scenario) =>
        scenario?.Trim() switch
        {
            var s when Is(s, HrScenarios.Resignation) => (RiskPolicies.DepartingEmployee, RiskContributionKinds.Resignation),
            var s when Is(s, HrScenarios.PerformanceReview) => (RiskPolicies.RiskyUser, RiskContributionKinds.PerformanceReview),
            var s when Is(s, HrScenarios.PerformanceImprovementPlan) => (RiskPolicies.RiskyUser, RiskContributionKinds.ImprovementPlan),
            _ => null,
        };

    private static bool Is(string? value, string scenario) => string.Equals(value, scenario, StringComparison.OrdinalIgnoreCase);

    private static RiskFinding? HrFinding(HrEvent hr, string policy, string kind, TimeSpan window,
        ILookup<Guid, Activity> activities, InsiderRiskSettings settings)
    {
        var end = hr.At + window;
        var inWindow = activities[hr.AccountId]
            .Where(a => a.Contribution.At > hr.At || (a.Group == Group.Volume && a.Contribution.At >= hr.At))
            .Where(a => a.Contribution.At <= end)
            .OrderBy(a => a.Contribution.At)
            .ThenBy(a => a.Contribution.Kind, StringComparer.Ordinal)
            .ThenBy(a => a.Contribution.Source, StringComparer.Ordinal)
            .ToList();
        if (inWindow.Count == 0)
        {
            return null;
        }

        var date = hr.At.UtcDateTime.ToString("yyyy-MM-dd", Invariant);
        var triggerDescription = kind switch
        {
            RiskContributionKinds.Resignation => $"Resigned {date}",
            RiskContributionKinds.PerformanceReview => $"Performance review {date}",
            _ => $"Placed on an improvement plan {date}",
        };
        var contributions = new List<RiskContribution>(inWindow.Count + 1)
        {
            new(kind, hr.At, hr.Source, string.IsNullOrWhiteSpace(hr.Detail) ? triggerDescription : $"{triggerDescription} ({hr.Detail.Trim()})"),
        };
        contributions.AddRange(inWindow.Select(a => a.Contribution));

        var groups = inWindow.Select(a => a.Group).ToHashSet();
        var steps = groups.Count == 3 ? 2 : groups.Contains(Group.Dlp) || groups.Count >= 2 ? 1 : 0;
        var baseSeverity = policy == RiskPolicies.DepartingEmployee ? settings.Severity.DepartingEmployeeBase : settings.Severity.RiskyUserBase;
        var severity = (RiskSeverity)Math.Min((int)baseSeverity + steps, (int)RiskSeverity.Critical);

        var summary = $"{triggerDescription}; within {Span(window)}: {string.Join(", ", SummaryParts(inWindow))}.";
        var key = $"{policy}:{hr.AccountId:N}:{hr.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", Invariant)}";
        return new RiskFinding(policy, hr.AccountId, severity, hr.At, end, summary, contributions, key);
    }

    private static IEnumerable<string> SummaryParts(List<Activity> activities)
    {
        var dlp = activities.Where(a => a.Group == Group.Dlp).ToList();
        if (dlp.Count > 0)
        {
            var types = dlp.GroupBy(a => a.InfoType!, StringComparer.OrdinalIgnoreCase)
                .OrderByDescending(g => g.Count())
                .ThenBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
                .Select(g => $"{g.Key} ×{g.Count()}");
            yield return $"{Count(dlp.Count, "DLP hit", "DLP hits")} ({string.Join(", ", types)})";
        }

        var afterHours = activities.Count(a => a.Contribution.Kind == RiskContributionKinds.AfterHoursBadge);
        if (afterHours > 0)
        {
            yield return Count(afterHours, "after-hours badge entry", "after-hours badge entries");
        }

        var failed = activities.Count(a => a.Contribution.Kind == RiskContributionKinds.FailedBadge);
        if (failed > 0)
        {
            yield return Count(failed, "failed badge attempt", "failed badge attempts");
        }

        var days = activities.Where(a => a.Group == Group.Volume).ToList();
        if (days.Count > 0)
        {
            yield return "unusual volume on " + string.Join(" and ", days.Select(d =>
                $"{d.Day.ToString("yyyy-MM-dd", Invariant)} ({d.Items} items vs. median {d.Median.ToString("0.#", Invariant)})"));
        }
    }

    private static ILookup<Guid, Activity> Activities(InsiderRiskInputs inputs, InsiderRiskSettings settings, TimeZoneInfo zone, DateTimeOffset now)
    {
        var list = new List<Activity>();
        var hours = settings.AfterHours;

        foreach (var badge in inputs.Badges.Where(b => b.At <= now))
        {
            var afterHours = IsAfterHours(badge.At, hours, zone);
            var where = Asset(badge);
            var when = Local(badge.At, zone, hours.TimeZoneId);
            if (!badge.Succeeded)
            {
                var description = $"Failed badge attempt at {where}, {when}{(afterHours ? " (after hours)" : "")}";
                list.Add(new Activity(badge.AccountId, new RiskContribution(RiskContributionKinds.FailedBadge, badge.At, badge.Source, description), Group.Badge));
            }
            else if (afterHours)
            {
                list.Add(new Activity(badge.AccountId, new RiskContribution(RiskContributionKinds.AfterHoursBadge, badge.At, badge.Source,
                    $"After-hours badge entry at {where}, {when}"), Group.Badge));
            }
        }

        foreach (var hit in inputs.DlpHits.Where(h => h.At <= now))
        {
            var description = $"DLP hit: {Count(hit.Count, $"{hit.InfoType} match", $"{hit.InfoType} matches")}";
            list.Add(new Activity(hit.AccountId, new RiskContribution(RiskContributionKinds.DlpHit, hit.At, hit.Source, description), Group.Dlp, hit.InfoType));
        }

        list.AddRange(UnusualDays(inputs.Volumes, settings.UnusualVolume, now));
        return list.ToLookup(a => a.AccountId);
    }

    private static IEnumerable<Activity> UnusualDays(IReadOnlyList<DailyVolume> volumes, UnusualVolumeSettings rule, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (var person in volumes.GroupBy(v => v.AccountId))
        {
            var byDay = person.GroupBy(v => v.Day).ToDictionary(g => g.Key, g => g.Sum(v => Math.Max(0, v.Items)));
            var first = byDay.Keys.Min();
            foreach (var (day, items) in byDay.Where(d => d.Key <= today).OrderBy(d => d.Key))
            {
                var start = day.AddDays(-rule.BaselineDays);
                if (start < first)
                {
                    start = first;
                }

                var baselineDays = day.DayNumber - start.DayNumber;
                if (baselineDays < rule.MinimumBaselineDays)
                {
                    continue;
                }

                var baseline = Enumerable.Range(0, baselineDays)
                    .Select(i => byDay.GetValueOrDefault(start.AddDays(i)))
                    .Order()
                    .ToList();
                var median = baseline.Count % 2 == 1
                    ? baseline[baseline.Count / 2]
                    : (baseline[(baseline.Count / 2) - 1] + baseline[baseline.Count / 2]) / 2.0;
                if (items < Math.Max(rule.Factor * median, rule.MinimumItems))
                {
                    continue;
                }

                var at = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                var medianText = median.ToString("0.#", Invariant);
                var contribution = new RiskContribution(RiskContributionKinds.UnusualVolume, at, "Archive volume " + day.ToString("yyyy-MM-dd", Invariant),
                    $"{items} archived items on {day.ToString("yyyy-MM-dd", Invariant)} vs. a median of {medianText} over the previous {Count(baselineDays, "day", "days")}");
                yield return new Activity(person.Key, contribution, Group.Volume, Items: items, Median: median, Day: day);
            }
        }
    }

    private static IEnumerable<RiskFinding> Bursts(IReadOnlyList<BadgeAccess> badges, InsiderRiskSettings settings, TimeZoneInfo zone, DateTimeOffset now)
    {
        var rule = settings.FailedBurst;
        foreach (var person in badges.Where(b => !b.Succeeded && b.At <= now).GroupBy(b => b.AccountId))
        {
            var attempts = person.OrderBy(b => b.At).ThenBy(b => b.Source, StringComparer.Ordinal).ToList();
            var burstStart = -1;
            var burstEnd = -1;
            for (var i = 0; i < attempts.Count; i++)
            {
                var last = i;
                while (last + 1 < attempts.Count && attempts[last + 1].At - attempts[i].At <= rule.Within)
                {
                    last++;
                }

                if (last - i + 1 < rule.Attempts)
                {
                    continue;
                }

                if (burstStart >= 0 && i <= burstEnd)
                {
                    burstEnd = Math.Max(burstEnd, last);
                    continue;
                }

                if (burstStart >= 0)
                {
                    yield return Burst(attempts[burstStart..(burstEnd + 1)], settings, zone);
                }

                burstStart = i;
                burstEnd = last;
            }

            if (burstStart >= 0)
            {
                yield return Burst(attempts[burstStart..(burstEnd + 1)], settings, zone);
            }
        }
    }

    private static RiskFinding Burst(List<BadgeAccess> attempts, InsiderRiskSettings settings, TimeZoneInfo zone)
    {
        var first = attempts[0];
        var last = attempts[^1];
        var zoneId = settings.AfterHours.TimeZoneId;
        var contributions = attempts
            .Select(a => new RiskContribution(RiskContributionKinds.FailedBadge, a.At, a.Source,
                $"Failed badge attempt at {Asset(a)}, {Local(a.At, zone, zoneId)}"))
            .ToList();
        var places = string.Join(", ", attempts.Select(Asset).Distinct(StringComparer.Ordinal));
        var span = last.At - first.At;
        var spanText = span < TimeSpan.FromMinutes(1)
            ? Count((int)span.TotalSeconds, "second", "seconds")
            : Count((int)Math.Ceiling(span.TotalMinutes), "minute", "minutes");
        var summary = $"{attempts.Count} failed badge attempts within {spanText} from {Local(first.At, zone, zoneId)} at {places}.";
        var severity = attempts.Count >= settings.Severity.BurstHighAttempts ? RiskSeverity.High : RiskSeverity.Medium;
        var key = $"{RiskPolicies.FailedBadgeBurst}:{first.AccountId:N}:{first.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", Invariant)}";
        return new RiskFinding(RiskPolicies.FailedBadgeBurst, first.AccountId, severity, first.At, last.At, summary, contributions, key);
    }

    /// <summary>Whether a moment falls outside working hours in the configured time zone.</summary>
    public static bool IsAfterHours(DateTimeOffset at, AfterHoursSettings hours, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(hours);
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        if (hours.WeekendsAreAfterHours && local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            return true;
        }

        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        return time < hours.WorkdayStart || time >= hours.WorkdayEnd;
    }

    private static string Asset(BadgeAccess badge) =>
        string.IsNullOrWhiteSpace(badge.AssetName) || badge.AssetName == badge.AssetId ? badge.AssetId : $"{badge.AssetName} ({badge.AssetId})";

    private static string Local(DateTimeOffset at, TimeZoneInfo zone, string zoneId) =>
        $"{TimeZoneInfo.ConvertTime(at, zone).ToString("ddd yyyy-MM-dd HH:mm", Invariant)} {zoneId}";

    private static string Span(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerDay == 0 ? Count((int)span.TotalDays, "day", "days")
        : span.Ticks % TimeSpan.TicksPerHour == 0 ? Count((int)span.TotalHours, "hour", "hours")
        : Count((int)Math.Ceiling(span.TotalMinutes), "minute", "minutes");

    private static string Count(int n, string one, string many) => $"{n} {(n == 1 ? one : many)}";
}
