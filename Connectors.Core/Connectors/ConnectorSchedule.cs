using Cronos;

namespace Connectors.Connectors;

/// <summary>Either a fixed interval or a cron expression evaluated in a time zone.</summary>
public sealed record ConnectorSchedule(TimeSpan? Interval, string? Cron, string? TimeZone)
{
    public static readonly ConnectorSchedule Daily = new(TimeSpan.FromHours(24), null, null);
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(1);

    /// <summary>The next run strictly after <paramref name="from"/>.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset from)
    {
        if (Cron is not null)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone ?? "UTC");
            var next = CronExpression.Parse(Cron, CronFormat.Standard).GetNextOccurrence(from.UtcDateTime, zone);
            // An expression such as "0 0 30 2 *" never fires; keep it far away rather than spinning.
            return next is { } n ? new DateTimeOffset(n, TimeSpan.Zero) : DateTimeOffset.MaxValue;
        }
        return from + (Interval ?? Daily.Interval!.Value);
    }

    /// <summary>Checks a schedule an administrator wrote; returns field → message for each problem.</summary>
    public static Dictionary<string, string[]> Validate(TimeSpan? interval, string? cron, string? timeZone)
    {
        var errors = new Dictionary<string, string[]>();
        if (interval is not null && cron is not null)
        {
            errors["schedule"] = ["Give either an interval or a cron expression, not both."];
        }
        else if (interval is null && cron is null)
        {
            errors["schedule"] = ["Give an interval (e.g. \"PT24H\") or a cron expression (e.g. \"0 2 * * *\")."];
        }
        if (interval is { } i && i < MinimumInterval)
        {
            errors["schedule.interval"] = [$"The interval must be at least {MinimumInterval.TotalMinutes:0} minute."];
        }
        if (cron is not null && !CronExpression.TryParse(cron, CronFormat.Standard, out _))
        {
            errors["schedule.cron"] = [$"'{cron}' is not a valid five-field cron expression."];
        }
        if (timeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
        {
            errors["schedule.timeZone"] = [$"'{timeZone}' is not a known time zone (use an IANA id such as America/New_York)."];
        }
        if (timeZone is not null && cron is null && interval is not null)
        {
            errors["schedule.timeZone"] = ["A time zone only applies to a cron schedule."];
        }
        return errors;
    }
}
