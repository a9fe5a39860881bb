namespace Connectors.Governance.Dlp;

/// <summary>One match of a sensitive information type: where it is and how sure the scanner is. Never the value itself.</summary>
/// <param name="Location">The section it was found in ("subject", "body", "attachment:&lt;name&gt;").</param>
/// <param name="Offset">Where the match starts, in characters from the start of the section.</param>
/// <param name="Length">How many characters the match spans.</param>
/// <param name="MaskedValue">The matched value with all but its last few characters hidden.</param>
/// <param name="Confidence">How sure the scanner is about this match.</param>
public sealed record DlpMatchLocation(
    string Location,
    int Offset,
    int Length,
    string MaskedValue,
    DlpConfidence Confidence);

/// <summary>
/// Everything one scan found of one sensitive information type. The counts cover every match; <see cref="Locations"/>
/// may be capped (see <see cref="DlpScanner.Scan"/>).
/// </summary>
/// <param name="TypeId">The type's stable id, such as "credit-card".</param>
/// <param name="TypeName">The type's display name.</param>
/// <param name="LowCount">Matches found with low confidence.</param>
/// <param name="MediumCount">Matches found with medium confidence.</param>
/// <param name="HighCount">Matches found with high confidence.</param>
/// <param name="Locations">Where the matches are, in section and offset order.</param>
public sealed record DlpFinding(
    string TypeId,
    string TypeName,
    int LowCount,
    int MediumCount,
    int HighCount,
    IReadOnlyList<DlpMatchLocation> Locations)
{
    /// <summary>How many matches were found, at any confidence.</summary>
    public int Count => LowCount + MediumCount + HighCount;

    /// <summary>The highest confidence of any match.</summary>
    public DlpConfidence Confidence =>
        HighCount > 0 ? DlpConfidence.High : MediumCount > 0 ? DlpConfidence.Medium : DlpConfidence.Low;

    /// <summary>How many matches have at least the given confidence.</summary>
    public int CountAtOrAbove(DlpConfidence minimum) =>
        (minimum <= DlpConfidence.Low ? LowCount : 0)
        + (minimum <= DlpConfidence.Medium ? MediumCount : 0)
        + (minimum <= DlpConfidence.High ? HighCount : 0);

    /// <summary>
    /// True when at least <paramref name="minimumCount"/> matches (and always at least one) have at least
    /// <paramref name="minimumConfidence"/>: the test a policy rule applies.
    /// </summary>
    public bool Meets(int minimumCount, DlpConfidence minimumConfidence) =>
        CountAtOrAbove(minimumConfidence) >= Math.Max(1, minimumCount);
}
