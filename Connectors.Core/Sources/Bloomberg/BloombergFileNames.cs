using System.Globalization;
using System.Text.RegularExpressions;

namespace Connectors.Sources.Bloomberg;

/// <summary>
/// Recognises Bloomberg's daily file names (after decryption): <c>[id].ib19.[YYMMDD].xml</c>,
/// <c>[id].msg.[YYMMDD].xml</c>, <c>[id].dscl.[YYMMDD].xml</c>, and the split parts of files over 1 GB
/// (<c>.xml1</c>, <c>.xml2</c>…). Matching ignores case; attachment archives (<c>.att.</c>) never match.
/// </summary>
public static partial class BloombergFileNames
{
    /// <summary>Whether <paramref name="fileName"/> is an Instant Bloomberg chat file (any <c>ib</c> version).</summary>
    public static bool IsInstantBloomberg(string fileName) => InstantBloombergPattern().IsMatch(NameOf(fileName));

    /// <summary>Whether <paramref name="fileName"/> is a Bloomberg Message (MSG) file.</summary>
    public static bool IsMessage(string fileName) => MessagePattern().IsMatch(NameOf(fileName));

    /// <summary>Whether <paramref name="fileName"/> is a Bloomberg disclaimer file.</summary>
    public static bool IsDisclaimer(string fileName) => DisclaimerPattern().IsMatch(NameOf(fileName));

    /// <summary>The delivery date a Bloomberg file name carries (<c>YYMMDD</c> or <c>YYYYMMDD</c>), if any.</summary>
    public static DateOnly? DeliveryDate(string fileName)
    {
        var match = DatePattern().Match(NameOf(fileName));
        if (!match.Success)
        {
            return null;
        }
        var text = match.Groups["date"].Value;
        var format = text.Length == 6 ? "yyMMdd" : "yyyyMMdd";
        return DateOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;
    }

    private static string NameOf(string fileName) => Path.GetFileName(fileName ?? string.Empty);

    [GeneratedRegex(@"^[^.]+\.ib\d*\.\d{6}(\d{2})?\.xml\d*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InstantBloombergPattern();

    [GeneratedRegex(@"^[^.]+\.msg\.\d{6}(\d{2})?\.xml\d*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MessagePattern();

    [GeneratedRegex(@"^[^.]+\.dscl\.\d{6}(\d{2})?\.xml\d*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DisclaimerPattern();

    [GeneratedRegex(@"^[^.]+\.[a-z0-9]+\.(?<date>\d{6}(\d{2})?)\.xml\d*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DatePattern();
}
