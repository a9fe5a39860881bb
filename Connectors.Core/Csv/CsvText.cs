using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Connectors.Csv;

/// <summary>What every CSV the product accepts has in common: strict UTF-8 (a BOM is fine), commas, blank lines skipped.</summary>
public static class CsvText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture)
    {
        DetectDelimiter = false,
        MissingFieldFound = null,
        BadDataFound = null,
        IgnoreBlankLines = true,
        TrimOptions = TrimOptions.None,
    };

    /// <summary>Decodes strictly; throws <see cref="DecoderFallbackException"/> (with the offset) on invalid bytes.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        var bom = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        return StrictUtf8.GetString(bytes[bom..]);
    }

    /// <summary>A row whose fields are all empty (e.g. ",,,") is not a record.</summary>
    public static bool IsBlank(CsvReader csv)
    {
        for (var i = 0; i < csv.Parser.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(csv.Parser[i]))
            {
                return false;
            }
        }
        return true;
    }
}
