using Connectors.Governance.Dlp;

namespace Connectors.Tests.Governance.Dlp;

internal static class DlpTestSupport
{
    /// <summary>Scans one body section for one type and returns the matched text and confidence of each match.</summary>
    public static (string Value, DlpConfidence Confidence)[] Matches(SensitiveInfoType type, string text)
    {
        var findings = DlpScanner.Scan([DlpSection.Body(text)], [type]);
        return findings.Count == 0
            ? []
            : findings.Single().Locations.Select(l => (text.Substring(l.Offset, l.Length), l.Confidence)).ToArray();
    }

    /// <summary>The matched text of each match.</summary>
    public static string[] Values(SensitiveInfoType type, string text) =>
        Matches(type, text).Select(m => m.Value).ToArray();

    /// <summary>The confidence of the only match.</summary>
    public static DlpConfidence OnlyConfidence(SensitiveInfoType type, string text) =>
        Assert.Single(Matches(type, text)).Confidence;
}
