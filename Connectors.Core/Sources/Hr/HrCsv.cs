using System.Globalization;
using System.Net.Mail;
using System.Text;
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

public sealed record HrRecord(string Scenario, string EmailAddress, HrDate ResignationDate, HrDate? LastWorkingDate);

/// <summary>A date as received (kept verbatim) and in UTC; <see cref="OffsetAssumed"/> when the text had no offset.</summary>
public sealed record HrDate(string Text, DateTimeOffset Utc, bool OffsetAssumed);

/// <summary>
/// Reads the HR connector's CSV (Purview's resignation scenario columns). Column names match
/// case-insensitively; extra columns are ignored.
/// </summary>
public static partial class HrCsv
{
    public const int MaxRows = 50_000;
    public const string Resignation = "Resignation";

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
        var missing = columns.All.Where(c => !header.Any(h => string.Equals(h.Trim(), c, StringComparison.OrdinalIgnoreCase))).ToList();
        if (missing.Count > 0)
        {
            return (0, new HrFileProblem(HrFileProblemKind.Header, missing[0],
                $"The header has no column '{string.Join("', '", missing)}'. Required columns: {string.Join(", ", columns.All)}."));
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
        int Column(string name) => Array.FindIndex(header, h => string.Equals(h.Trim(), name, StringComparison.OrdinalIgnoreCase));
        var email = Column(columns.EmailAddress);
        var resignation = Column(columns.ResignationDate);
        var lastWorking = Column(columns.LastWorkingDate);

        while (csv.Read())
        {
            if (CsvText.IsBlank(csv))
            {
                continue;
            }
            yield return ParseRow(csv, columns, email, resignation, lastWorking, header.Length);
        }
    }

    private static HrRow ParseRow(CsvReader csv, HrColumns columns, int email, int resignation, int lastWorking, int headerCount)
    {
        var row = csv.Parser.Row;
        if (csv.Parser.Count < headerCount)
        {
            return new HrRow(row, null, "row", $"The row has {csv.Parser.Count} field(s); the header has {headerCount}.");
        }
        var address = csv.GetField(email)?.Trim() ?? "";
        if (!IsEmailAddress(address))
        {
            return new HrRow(row, null, columns.EmailAddress, address.Length == 0
                ? $"{columns.EmailAddress} is empty."
                : $"'{address}' is not an email address.");
        }
        var resignationText = csv.GetField(resignation)?.Trim() ?? "";
        if (!TryParseDate(resignationText, out var resignationDate, out var resignationError))
        {
            return new HrRow(row, null, columns.ResignationDate, $"{columns.ResignationDate} {resignationError}");
        }
        HrDate? lastWorkingDate = null;
        var lastWorkingText = csv.GetField(lastWorking)?.Trim() ?? "";
        if (lastWorkingText.Length > 0)
        {
            if (!TryParseDate(lastWorkingText, out var parsed, out var lastWorkingError))
            {
                return new HrRow(row, null, columns.LastWorkingDate, $"{columns.LastWorkingDate} {lastWorkingError}");
            }
            lastWorkingDate = parsed;
        }
        return new HrRow(row, new HrRecord(Resignation, address, resignationDate!, lastWorkingDate), null, null);
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
