using System.Globalization;
using System.Text;
using CsvHelper;
using Connectors.Csv;

namespace Connectors.Api.Mapping;

/// <summary>A problem with the file as a whole: nothing is imported, the caller gets 400 or 413 naming <see cref="Field"/>.</summary>
public sealed record CsvFileProblem(int StatusCode, string Field, string Message);

/// <summary>One data row's values by column name, trimmed; an optional column the file lacks reads as "".</summary>
public sealed class CsvRow(int number, IReadOnlyDictionary<string, string> values)
{
    /// <summary>Counts the header as row 1, as a spreadsheet shows it.</summary>
    public int Number => number;

    public string this[string column] => values.GetValueOrDefault(column, "");
}

/// <summary>
/// Reads the directory and mapping CSV uploads the way the HR connector reads its files: strict UTF-8
/// (with or without BOM), header names matched case-insensitively, extra columns ignored, blank lines
/// skipped, and the row limit enforced before anything is imported.
/// </summary>
public static class MappingCsv
{
    public const int MaxRows = 100_000;


    /// <summary>Rows that could be read, rows too short to read (as failures), or a problem with the whole file.</summary>
    public static (IReadOnlyList<CsvRow> Rows, IReadOnlyList<RowFailureDto> Failed, CsvFileProblem? Problem) Read(
        ReadOnlyMemory<byte> content, IReadOnlyList<string> required, IReadOnlyList<string> optional)
    {
        string text;
        try
        {
            var bytes = content.Span;
            text = CsvText.Decode(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            return ([], [], new CsvFileProblem(StatusCodes.Status400BadRequest, "file",
                $"The file is not valid UTF-8 (invalid bytes at offset {ex.Index}). Save it as UTF-8 and upload it again."));
        }

        using var csv = new CsvReader(new StringReader(text), CsvText.Configuration);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header || header.All(string.IsNullOrWhiteSpace))
        {
            return ([], [], new CsvFileProblem(StatusCodes.Status400BadRequest, "file", "The file is empty: expected a header row."));
        }
        var columns = new Dictionary<string, int>();
        foreach (var column in required.Concat(optional))
        {
            var matches = header.Select((h, i) => (h, i)).Where(x => string.Equals(x.h.Trim(), column, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count > 1)
            {
                return ([], [], new CsvFileProblem(StatusCodes.Status400BadRequest, column,
                    $"The header names the column '{column}' {matches.Count} times; name it once."));
            }
            if (matches.Count == 1)
            {
                columns[column] = matches[0].i;
            }
        }
        var missing = required.Where(c => !columns.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            return ([], [], new CsvFileProblem(StatusCodes.Status400BadRequest, missing[0],
                $"The header has no column '{string.Join("', '", missing)}'. Required columns: {string.Join(", ", required)}"
                + (optional.Count > 0 ? $"; optional: {string.Join(", ", optional)}." : ".")));
        }

        var rows = new List<CsvRow>();
        var failed = new List<RowFailureDto>();
        while (csv.Read())
        {
            if (CsvText.IsBlank(csv))
            {
                continue;
            }
            if (rows.Count + failed.Count == MaxRows)
            {
                return ([], [], new CsvFileProblem(StatusCodes.Status413PayloadTooLarge, "file",
                    $"The file has more than {MaxRows:N0} rows. Split it into files of at most {MaxRows:N0} rows."));
            }
            if (csv.Parser.Count < header.Length)
            {
                failed.Add(new RowFailureDto(csv.Parser.Row, "row", $"The row has {csv.Parser.Count} field(s); the header has {header.Length}."));
                continue;
            }
            rows.Add(new CsvRow(csv.Parser.Row, columns.ToDictionary(c => c.Key, c => csv.GetField(c.Value)?.Trim() ?? "")));
        }
        return (rows, failed, null);
    }
}
