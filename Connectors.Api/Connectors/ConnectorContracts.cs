using System.ComponentModel;
using System.Text.Json;
using System.Xml;
using Connectors.Connectors;
using Connectors.Runs;

namespace Connectors.Api.Connectors;

/// <summary>A schedule: either <c>interval</c> (ISO 8601 duration) or <c>cron</c> with an optional <c>timeZone</c>.</summary>
public sealed record ScheduleDto(
    [property: Description("ISO 8601 duration between runs, e.g. PT24H or PT15M.")] string? Interval = null,
    [property: Description("Five-field cron expression, e.g. \"0 2 * * *\".")] string? Cron = null,
    [property: Description("IANA time zone for the cron expression, e.g. America/New_York. Default UTC.")] string? TimeZone = null)
{
    public static ScheduleDto From(ConnectorSchedule s) =>
        new(s.Interval is { } i ? FormatDuration(i) : null, s.Cron, s.Cron is null ? null : s.TimeZone ?? "UTC");

    /// <summary>Whole hours or minutes as administrators write them (PT24H rather than P1D).</summary>
    private static string FormatDuration(TimeSpan interval) =>
        interval.Ticks % TimeSpan.TicksPerHour == 0 ? $"PT{(long)interval.TotalHours}H"
        : interval.Ticks % TimeSpan.TicksPerMinute == 0 ? $"PT{(long)interval.TotalMinutes}M"
        : XmlConvert.ToString(interval);

    /// <summary>Parses and validates; errors are keyed by field name.</summary>
    public (ConnectorSchedule? Schedule, Dictionary<string, string[]> Errors) ToSchedule()
    {
        TimeSpan? interval = null;
        if (Interval is not null)
        {
            try
            {
                interval = XmlConvert.ToTimeSpan(Interval);
            }
            catch (FormatException)
            {
                return (null, new() { ["schedule.interval"] = [$"'{Interval}' is not an ISO 8601 duration (e.g. PT24H)."] });
            }
        }
        var errors = ConnectorSchedule.Validate(interval, Cron, TimeZone);
        return errors.Count > 0 ? (null, errors) : (new ConnectorSchedule(interval, Cron, Cron is null ? null : TimeZone ?? "UTC"), errors);
    }
}

public sealed record CreateConnectorRequest(
    [property: Description("Display name, unique among connectors.")] string? Name,
    [property: Description("Connector type id, see GET /api/compliance/connector-types.")] string? Type,
    ScheduleDto? Schedule = null,
    [property: Description("Type-specific settings object (HR: emailAddressColumn, resignationDateColumn, lastWorkingDateColumn).")] JsonElement? Settings = null,
    [property: Description("Write-only credentials object; stored encrypted, never returned.")] JsonElement? Credentials = null,
    bool? Enabled = null,
    [property: Description("ISO 8601 duration each run re-reads to catch late deliveries. Default P3D.")] string? Lookback = null);

public sealed record UpdateConnectorRequest(
    string? Name = null,
    ScheduleDto? Schedule = null,
    JsonElement? Settings = null,
    [property: Description("Write-only; replaces the stored credentials. Send {} to remove them.")] JsonElement? Credentials = null,
    bool? Enabled = null,
    [property: Description("ISO 8601 duration each run re-reads to catch late deliveries.")] string? Lookback = null);

public sealed record ConnectorDto(
    Guid Id, string Name, string Type, bool Enabled, ScheduleDto Schedule, JsonElement Settings, bool HasCredentials,
    ConnectorStatus Status, DateTimeOffset? LastImportAt, DateTimeOffset? NextRunAt, long ItemsImported, int Errors,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string Lookback);

/// <summary>Progress of the run in progress, if any.</summary>
public sealed record RunProgressDto(long RunId, DateTimeOffset StartedAt, long ItemsFromSource, long ItemsImported, long ItemsFailed);

public sealed record ConnectorStatusDto(
    Guid Id, string Name, string Type, ConnectorStatus Status, DateTimeOffset? LastImportAt, DateTimeOffset? NextRunAt,
    long ItemsImported, int Errors, string? LastError, RunProgressDto? CurrentRun,
    [property: Description("SFTP connectors: days before the vendor deletes files not yet collected.")] Sources.Files.SourceRetention? SourceRetention = null);

public sealed record RunDto(
    long Id, RunTrigger Trigger, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, RunOutcome? Outcome,
    long ItemsFromSource, long ItemsForImport, long ItemsImported, long ItemsPartiallyImported, long ItemsSkippedDuplicate,
    long ItemsFailed, long ItemsQuarantined, long ItemsExcluded, string? Error,
    ReconciliationResult Reconciliation, string? ReconciliationDetail, long ItemsReleasedFromQuarantine)
{
    public static RunDto From(ImportRun r) => new(r.Id, r.Trigger, r.StartedAt, r.CompletedAt, r.Outcome,
        r.Counts.ItemsFromSource, r.Counts.ItemsForImport, r.Counts.ItemsImported, r.Counts.ItemsPartiallyImported,
        r.Counts.ItemsSkippedDuplicate, r.Counts.ItemsFailed, r.Counts.ItemsQuarantined, r.Counts.ItemsExcluded, r.Error,
        r.Reconciliation, r.ReconciliationDetail, r.ItemsReleasedFromQuarantine);
}

public sealed record FailureDto(long Id, string? ItemId, int? RowNumber, string? Field, string? SourceUser, string? MappedAccount, string Reason)
{
    public static FailureDto From(ImportFailure f) => new(f.Id, f.ItemId, f.RowNumber, f.Field, f.SourceUser, f.MappedAccount, f.Reason);
}

/// <summary>A page of results; pass <c>next</c> back as the cursor to get the following page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

public static class ConnectorMapping
{
    public static ConnectorDto ToDto(this Connector c) => new(
        c.Id, c.Name, c.Type, c.Enabled, ScheduleDto.From(c.Schedule), JsonDocument.Parse(c.Settings).RootElement.Clone(),
        c.ProtectedCredentials is not null, c.Status, c.LastImportAt, c.NextRunAt, c.ItemsImported, c.LastRunErrors,
        c.CreatedAt, c.UpdatedAt, XmlConvert.ToString(c.Lookback));

    /// <summary>Reads an optional lookback; at most 90 days (sources keep data for weeks, not months).</summary>
    public static TimeSpan? ParseLookback(string? text, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }
        try
        {
            var value = XmlConvert.ToTimeSpan(text);
            if (value >= TimeSpan.Zero && value <= TimeSpan.FromDays(90))
            {
                return value;
            }
        }
        catch (FormatException)
        {
        }
        errors["lookback"] = [$"'{text}' is not an ISO 8601 duration between PT0S and P90D."];
        return null;
    }
}
