namespace Connectors.Governance.Dlp;

/// <summary>
/// Looks for sensitive information in the sections of an item and reports, per type, how many validated matches
/// there are, how confident each is, and where they are (masked).
/// </summary>
public static class DlpScanner
{
    /// <summary>How many locations a finding keeps per type unless the caller asks otherwise.</summary>
    public const int DefaultMaxLocationsPerType = 100;

    /// <summary>
    /// Scans every section for every type. Returns one finding per type that matched, in the order of
    /// <paramref name="types"/>. Overlapping matches of one type count once. Counts always cover every match;
    /// only the first <paramref name="maxLocationsPerType"/> locations of each type are kept.
    /// </summary>
    public static IReadOnlyList<DlpFinding> Scan(
        IReadOnlyList<DlpSection> sections,
        IReadOnlyList<SensitiveInfoType> types,
        int maxLocationsPerType = DefaultMaxLocationsPerType)
    {
        ArgumentNullException.ThrowIfNull(sections);
        ArgumentNullException.ThrowIfNull(types);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLocationsPerType);

        var findings = new List<DlpFinding>();
        var candidates = new List<DlpCandidate>();
        var keywordHits = new List<KeywordHit>();
        foreach (var type in types)
        {
            var tally = new Tally(maxLocationsPerType);
            foreach (var section in sections)
            {
                if (!string.IsNullOrEmpty(section.Text))
                {
                    ScanSection(section, type, candidates, keywordHits, ref tally);
                }
            }

            if (tally.Total > 0)
            {
                findings.Add(new DlpFinding(
                    type.Id, type.Name, tally.Low, tally.Medium, tally.High, tally.Locations ?? []));
            }
        }

        return findings;
    }

    private static void ScanSection(
        DlpSection section,
        SensitiveInfoType type,
        List<DlpCandidate> candidates,
        List<KeywordHit> keywordHits,
        ref Tally tally)
    {
        var text = section.Text;
        candidates.Clear();
        type.FindCandidates(text, candidates);
        if (candidates.Count == 0)
        {
            return;
        }

        if (candidates.Count > 1)
        {
            // Earliest first and, at one offset, longest first: the first valid one wins and its overlaps are dropped.
            candidates.Sort(static (a, b) => a.Offset != b.Offset ? a.Offset.CompareTo(b.Offset) : b.Length.CompareTo(a.Length));
        }

        var keywordsFound = false;
        var acceptedEnd = 0;
        foreach (var candidate in candidates)
        {
            if (candidate.Offset < acceptedEnd
                || candidate.Offset < 0
                || candidate.Length <= 0
                || candidate.Length > text.Length - candidate.Offset)
            {
                continue;
            }

            var value = text.AsSpan(candidate.Offset, candidate.Length);
            if (!type.Validate(value))
            {
                continue;
            }

            acceptedEnd = candidate.Offset + candidate.Length;
            var nearKeyword = false;
            if (type.Keywords.Count > 0)
            {
                if (!keywordsFound)
                {
                    FindKeywords(text, type.Keywords, keywordHits);
                    keywordsFound = true;
                }

                nearKeyword = IsNear(keywordHits, candidate.Offset, acceptedEnd, type.KeywordWindow, type.LongestKeyword);
            }

            var confidence = nearKeyword
                ? candidate.ConfidenceWithKeyword ?? type.ConfidenceWithKeyword
                : candidate.Confidence ?? type.Confidence;
            tally.Add(section.Location, candidate, value, confidence);
        }
    }

    /// <summary>Every whole-word occurrence of every keyword, sorted by start.</summary>
    private static void FindKeywords(string text, IReadOnlyList<string> keywords, List<KeywordHit> hits)
    {
        hits.Clear();
        foreach (var keyword in keywords)
        {
            var wordStart = TextScan.IsWordChar(keyword[0]);
            var wordEnd = TextScan.IsWordChar(keyword[^1]);
            var index = 0;
            while ((index = text.IndexOf(keyword, index, StringComparison.OrdinalIgnoreCase)) >= 0)
            {
                var end = index + keyword.Length;
                var standsAlone = (!wordStart || index == 0 || !TextScan.IsWordChar(text[index - 1]))
                    && (!wordEnd || end == text.Length || !TextScan.IsWordChar(text[end]));
                if (standsAlone)
                {
                    hits.Add(new KeywordHit(index, end));
                }

                index++;
            }
        }

        hits.Sort(static (a, b) => a.Start.CompareTo(b.Start));
    }

    /// <summary>True when a keyword ends no more than <paramref name="window"/> characters before the match or starts no more than that after it.</summary>
    private static bool IsNear(List<KeywordHit> hits, int start, int end, int window, int longestKeyword)
    {
        // Skip the hits that start too early to reach the match, then look at those that start early enough.
        var low = 0;
        var high = hits.Count;
        var earliest = start - window;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (hits[middle].Start < earliest - longestKeyword)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        for (var i = low; i < hits.Count && hits[i].Start <= end + window; i++)
        {
            if (hits[i].End >= earliest)
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct KeywordHit(int Start, int End);

    private struct Tally(int maxLocations)
    {
        public int Low;
        public int Medium;
        public int High;
        public List<DlpMatchLocation>? Locations;

        public readonly int Total => Low + Medium + High;

        public void Add(string location, DlpCandidate candidate, ReadOnlySpan<char> value, DlpConfidence confidence)
        {
            if (confidence >= DlpConfidence.High)
            {
                High++;
            }
            else if (confidence >= DlpConfidence.Medium)
            {
                Medium++;
            }
            else
            {
                Low++;
            }

            Locations ??= [];
            if (Locations.Count < maxLocations)
            {
                Locations.Add(new DlpMatchLocation(
                    location, candidate.Offset, candidate.Length, DlpMasking.Mask(value.ToString()), confidence));
            }
        }
    }
}
