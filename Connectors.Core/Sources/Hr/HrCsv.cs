using System.Globalization;
using System.Net.Mail;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CsvHelper;
using Connectors.Csv;

namespace Connectors.Sources.Hr;

/// <summary>A problem with the file as a whole: the upload is refused before anything is stored.</summary>
public sealed record HrFileProblem(HrFileProblemKind Kind, string Field, string Message);

public enum HrFileProblemKind
{
    Encoding,
    Header,
    TooManyRows,
    Empty,
}

/// <summary>One data row: either a signal or the reason it failed. Row numbers count the header as row 1.</summary>
public sealed record HrRow(int RowNumber, HrRecord? Record, string? Field, string? Error);

/// <summary>
/// One HR event as read from a row. Which properties are set depends on the scenario: resignations have
/// <see cref="ResignationDate"/> (and maybe <see cref="LastWorkingDate"/>); level changes, reviews and
/// improvement plans have <see cref="EffectiveDate"/>; employee profiles have <see cref="Profile"/>.
/// </summary>
public sealed record HrRecord(string Scenario, string EmailAddress, HrDate? ResignationDate, HrDate? LastWorkingDate)
{
    public HrDate? EffectiveDate { get; init; }
    public string? Remarks { get; init; }
    public string? OldLevel { get; init; }
    public string? NewLevel { get; init; }
    public string? Rating { get; init; }

    /// <summary>Employee profile fields that had a value, keyed by camel-case field name (e.g. <c>department</c>).</summary>
    public IReadOnlyDictionary<string, string>? Profile { get; init; }

    /// <summary>The scenario's own date: the resignation date or the effective date (none for profiles).</summary>
    public HrDate? EventDate => ResignationDate ?? EffectiveDate;

    /// <summary>True when any date of the row had no offset and was taken as UTC.</summary>
    public bool OffsetAssumed => ResignationDate?.OffsetAssumed == true || LastWorkingDate?.OffsetAssumed == true || EffectiveDate?.OffsetAssumed == true;
}

/// <summary>A date as received (kept verbatim) and in UTC; <see cref="OffsetAssumed"/> when the text had no offset.</summary>
public sealed record HrDate(string Text, DateTimeOffset Utc, bool OffsetAssumed);

/// <summary>
/// Reads the HR connector's CSV in Purview's five scenarios. Column names come from the connector's
/// settings and match case-insensitively; extra columns are ignored. A file is either all one scenario or
/// names each row's scenario in a scenario column.
/// </summary>
public static partial class HrCsv
{
    public const int MaxRows = 50_000;
    public const string Resignation = nameof(HrScenario.Resignation);
    public const int MaxRemarks = 200;
    public const int MaxRating = 25;
    public const int MaxLevel = 100;
    public const int MaxProfileValue = 400;

    private static readonly HrField[] ProfileFields =
    [
        HrField.FirstName, HrField.LastName, HrField.StreetAddress, HrField.City, HrField.State, HrField.PostalCode,
        HrField.Country, HrField.Department, HrField.EmployeeType, HrField.EmployeeRole,
    ];

    /// <summary>
    /// Checks encoding, header and size at once, so the caller can refuse the upload (400/413) before
    /// storing it. Returns the number of data rows when the file is acceptable.
    /// </summary>
    public static (int Rows, HrFileProblem? Problem) Check(ReadOnlyMemory<byte> content, HrColumns columns)
    {
        string text;
        try
        {
            text = CsvText.Decode(content.Span);
        }
        catch (DecoderFallbackException ex)
        {
            return (0, new HrFileProblem(HrFileProblemKind.Encoding, "file",
                $"The file is not valid UTF-8 (invalid bytes at offset {ex.Index}). Save it as UTF-8 and upload it again."));
        }

        using var csv = new CsvReader(new StringReader(text), CsvText.Configuration);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header || header.All(string.IsNullOrWhiteSpace))
        {
            return (0, new HrFileProblem(HrFileProblemKind.Empty, "file", "The file is empty: expected a header row."));
        }
        var required = columns.RequiredHeader;
        var missing = required.Where(c => IndexOf(header, c) < 0).ToList();
        if (missing.Count > 0)
        {
            var what = columns.ScenarioColumn is null ? $"a {columns.Scenario} file" : "a file that names each row's scenario";
            return (0, new HrFileProblem(HrFileProblemKind.Header, missing[0],
                $"The header has no column '{string.Join("', '", missing)}'. Required columns for {what}: {string.Join(", ", required)}."));
        }
        var rows = 0;
        while (csv.Read())
        {
            if (CsvText.IsBlank(csv))
            {
                continue;
            }
            if (++rows > MaxRows)
            {
                return (rows, new HrFileProblem(HrFileProblemKind.TooManyRows, "file",
                    $"The file has more than {MaxRows:N0} rows. Split it into files of at most {MaxRows:N0} rows."));
            }
        }
        return (rows, null);
    }

    /// <summary>Parses every data row of a file that passed <see cref="Check"/>; bad rows come back with their reason.</summary>
    public static IEnumerable<HrRow> Parse(ReadOnlyMemory<byte> content, HrColumns columns)
    {
        using var csv = new CsvReader(new StringReader(CsvText.Decode(content.Span)), CsvText.Configuration);
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord!;
        var index = columns.Fields.ToDictionary(f => f.Field, f => IndexOf(header, f.Column));
        var scenarioIndex = columns.ScenarioColumn is { } scenarioColumn ? IndexOf(header, scenarioColumn) : -1;

        while (csv.Read())
        {
            if (CsvText.IsBlank(csv))
            {
                continue;
            }
            yield return ParseRow(new RowReader(csv, columns, index), scenarioIndex, header.Length);
        }
    }

    private static int IndexOf(string[] header, string column) =>
        Array.FindIndex(header, h => string.Equals(h.Trim(), column.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The cells of the current row by field, with the column names for messages.</summary>
    private readonly record struct RowReader(CsvReader Csv, HrColumns Columns, Dictionary<HrField, int> Index)
    {
        public bool Has(HrField field) => Index[field] >= 0;

        public string Get(HrField field) => Index[field] is var i and >= 0 ? Csv.GetField(i)?.Trim() ?? "" : "";

        public string Column(HrField field) => Columns[field];
    }

    private static HrRow ParseRow(RowReader row, int scenarioIndex, int headerCount)
    {
        var csv = row.Csv;
        var columns = row.Columns;
        var number = csv.Parser.Row;
        HrRow Fail(string field, string error) => new(number, null, field, error);

        if (csv.Parser.Count < headerCount)
        {
            return Fail("row", $"The row has {csv.Parser.Count} field(s); the header has {headerCount}.");
        }

        var scenario = columns.Scenario;
        if (columns.ScenarioColumn is { } scenarioColumn)
        {
            var value = csv.GetField(scenarioIndex)?.Trim() ?? "";
            if (value.Length == 0)
            {
                return Fail(scenarioColumn, $"{scenarioColumn} is empty: each row must name its scenario.");
            }
            if (!columns.ScenarioValues.TryGetValue(value, out scenario))
            {
                return Fail(scenarioColumn, $"'{value}' in {scenarioColumn} is not a scenario this connector knows. Known values: {string.Join(", ", columns.ScenarioValues.Keys.Order(StringComparer.OrdinalIgnoreCase))}.");
            }
        }

        foreach (var field in HrColumns.RequiredFields(scenario))
        {
            if (!row.Has(field))
            {
                return Fail(row.Column(field), $"The file has no column '{row.Column(field)}', which a {scenario} row needs.");
            }
            if (row.Get(field).Length == 0)
            {
                return Fail(row.Column(field), $"{row.Column(field)} is empty: a {scenario} row needs it.");
            }
        }

        var address = row.Get(HrField.EmailAddress);
        if (!IsEmailAddress(address))
        {
            return Fail(row.Column(HrField.EmailAddress), $"'{address}' is not an email address.");
        }

        HrDate? Date(HrField field, out HrRow? failure)
        {
            failure = null;
            var text = row.Get(field);
            if (text.Length == 0)
            {
                return null;
            }
            if (!TryParseDate(text, out var date, out var error))
            {
                failure = Fail(row.Column(field), $"{row.Column(field)} {error}");
            }
            return date;
        }

        string? Text(HrField field, int max, out HrRow? failure)
        {
            failure = null;
            var text = row.Get(field);
            if (text.Length > max)
            {
                failure = Fail(row.Column(field), $"{row.Column(field)} has {text.Length} characters; at most {max} are allowed.");
            }
            return text.Length == 0 ? null : text;
        }

        HrRow? failed;
        var name = scenario.ToString();
        switch (scenario)
        {
            case HrScenario.Resignation:
            {
                var resigned = Date(HrField.ResignationDate, out failed);
                if (failed is not null)
                {
                    return failed;
                }
                var lastWorking = Date(HrField.LastWorkingDate, out failed);
                return failed ?? new HrRow(number, new HrRecord(name, address, resigned, lastWorking), null, null);
            }
            case HrScenario.EmployeeProfile:
            {
                var profile = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (var field in ProfileFields)
                {
                    if (Text(field, MaxProfileValue, out failed) is { } value)
                    {
                        profile[JsonNamingPolicy.CamelCase.ConvertName(field.ToString())] = value;
                    }
                    if (failed is not null)
                    {
                        return failed;
                    }
                }
                return new HrRow(number, new HrRecord(name, address, null, null) { Profile = profile }, null, null);
            }
            default:
            {
                var effective = Date(HrField.EffectiveDate, out failed);
                if (failed is not null)
                {
                    return failed;
                }
                var remarks = Text(HrField.Remarks, MaxRemarks, out failed);
                if (failed is not null)
                {
                    return failed;
                }
                string? oldLevel = null, newLevel = null, rating = null;
                if (scenario == HrScenario.JobLevelChange)
                {
                    oldLevel = Text(HrField.OldLevel, MaxLevel, out failed);
                    if (failed is not null)
                    {
                        return failed;
                    }
                    newLevel = Text(HrField.NewLevel, MaxLevel, out failed);
                }
                else
                {
                    rating = Text(HrField.Rating, MaxRating, out failed);
                }
                return failed ?? new HrRow(number, new HrRecord(name, address, null, null)
                {
                    EffectiveDate = effective,
                    Remarks = remarks,
                    OldLevel = oldLevel,
                    NewLevel = newLevel,
                    Rating = rating,
                }, null, null);
            }
        }
    }

    /// <summary>
    /// ISO 8601 date or date-time, with or without fractions (up to 7 digits) and offset. A value without
    /// an offset is taken as UTC and flagged as such.
    /// </summary>
    public static bool TryParseDate(string text, out HrDate? date, out string error)
    {
        date = null;
        if (text.Length == 0)
        {
            error = "is empty.";
            return false;
        }
        var match = IsoDate().Match(text);
        if (!match.Success)
        {
            error = $"'{text}' is not an ISO 8601 date (e.g. 2024-03-31 or 2024-03-31T17:00:00Z).";
            return false;
        }
        var hasOffset = match.Groups["offset"].Success;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            error = $"'{text}' is not a valid date.";
            return false;
        }
        date = new HrDate(text, parsed.ToUniversalTime(), !hasOffset);
        error = "";
        return true;
    }

    public static bool IsEmailAddress(string text) =>
        text.Length is > 2 and <= 320 && MailAddress.TryCreate(text, out var parsed) && parsed.Address == text && parsed.DisplayName.Length == 0;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?(?<offset>Z|[+-]\d{2}:\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();
}
