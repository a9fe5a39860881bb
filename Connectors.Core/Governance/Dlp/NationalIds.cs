namespace Connectors.Governance.Dlp;

/// <summary>Finds and validates US Social Security numbers and UK National Insurance numbers.</summary>
internal static class NationalIds
{
    /// <summary>
    /// SSNs written ddd-dd-dddd or ddd dd dddd, and bare 9-digit numbers. Bare numbers are far more often something
    /// else, so they are found one confidence level lower.
    /// </summary>
    public static void FindSsns(string text, List<DlpCandidate> candidates)
    {
        var runs = new DigitRuns(text);
        while (runs.MoveNext())
        {
            var groups = runs.Groups;
            if (runs.Separator == '-')
            {
                if (groups.Count == 3 && IsSsnShape(groups, 0))
                {
                    candidates.Add(new DlpCandidate(groups[0].Start, groups[2].End - groups[0].Start));
                }

                continue;
            }

            for (var i = 0; i < groups.Count; i++)
            {
                if (groups[i].Length == 9)
                {
                    candidates.Add(new DlpCandidate(
                        groups[i].Start, 9, DlpConfidence.Low, DlpConfidence.Medium));
                }
                else if (i + 2 < groups.Count && IsSsnShape(groups, i))
                {
                    candidates.Add(new DlpCandidate(groups[i].Start, groups[i + 2].End - groups[i].Start));
                    i += 2;
                }
            }
        }
    }

    /// <summary>
    /// Rejects numbers the Social Security Administration never issues: area 000, 666 or 900-999, group 00,
    /// serial 0000, and numbers famous from advertising and examples.
    /// </summary>
    public static bool ValidateSsn(ReadOnlySpan<char> value)
    {
        Span<char> d = stackalloc char[9];
        var count = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                if (count == 9)
                {
                    return false;
                }

                d[count++] = c;
            }
        }

        if (count != 9)
        {
            return false;
        }

        var area = Number(d[..3]);
        var group = Number(d[3..5]);
        var serial = Number(d[5..]);
        if (area is 0 or 666 or >= 900 || group == 0 || serial == 0)
        {
            return false;
        }

        return !(d.SequenceEqual("078051120") || d.SequenceEqual("219099999") || d.SequenceEqual("123456789"));
    }

    /// <summary>
    /// National Insurance numbers: two upper-case prefix letters, six digits (optionally "12 34 56"), and a suffix
    /// letter A-D. People often leave the suffix off; such numbers are found one confidence level lower.
    /// </summary>
    public static void FindNinos(string text, List<DlpCandidate> candidates)
    {
        var position = 0;
        while (position < text.Length)
        {
            var found = text.AsSpan(position).IndexOfAnyInRange('0', '9');
            if (found < 0)
            {
                return;
            }

            var digitsStart = position + found;
            position = TextScan.SkipDigits(text, digitsStart);

            // The prefix sits right before the digits, or one space before them.
            var prefixEnd = digitsStart >= 1 && text[digitsStart - 1] == ' ' ? digitsStart - 1 : digitsStart;
            var start = prefixEnd - 2;
            if (start < 0
                || !char.IsAsciiLetterUpper(text[start])
                || !char.IsAsciiLetterUpper(text[start + 1])
                || !TextScan.IsStartBoundary(text, start))
            {
                continue;
            }

            var digitsEnd = ReadSixDigits(text, digitsStart);
            if (digitsEnd < 0)
            {
                continue;
            }

            position = digitsEnd;
            var suffixAt = digitsEnd < text.Length && text[digitsEnd] == ' ' ? digitsEnd + 1 : digitsEnd;
            if (suffixAt < text.Length
                && text[suffixAt] is >= 'A' and <= 'D'
                && TextScan.IsEndBoundary(text, suffixAt + 1))
            {
                candidates.Add(new DlpCandidate(start, suffixAt + 1 - start));
                position = suffixAt + 1;
            }
            else if (TextScan.IsEndBoundary(text, digitsEnd))
            {
                candidates.Add(new DlpCandidate(
                    start, digitsEnd - start, DlpConfidence.Low, DlpConfidence.Medium));
            }
        }
    }

    /// <summary>
    /// The prefix rules HMRC publishes: the first letter is not D, F, I, Q, U or V; the second is not D, F, I, O, Q,
    /// U or V; and BG, GB, KN, NK, NT, TN and ZZ are never issued.
    /// </summary>
    public static bool ValidateNino(ReadOnlySpan<char> value)
    {
        if (value.Length < 8)
        {
            return false;
        }

        var first = char.ToUpperInvariant(value[0]);
        var second = char.ToUpperInvariant(value[1]);
        if (first is 'D' or 'F' or 'I' or 'Q' or 'U' or 'V' || second is 'D' or 'F' or 'I' or 'O' or 'Q' or 'U' or 'V')
        {
            return false;
        }

        ReadOnlySpan<char> prefix = [first, second];
        return prefix is not ("BG" or "GB" or "KN" or "NK" or "NT" or "TN" or "ZZ");
    }

    private static int Number(ReadOnlySpan<char> digits)
    {
        var value = 0;
        foreach (var c in digits)
        {
            value = (value * 10) + (c - '0');
        }

        return value;
    }

    private static bool IsSsnShape(List<DigitGroup> groups, int first) =>
        groups[first].Length == 3 && groups[first + 1].Length == 2 && groups[first + 2].Length == 4;

    /// <summary>Reads "123456" or "12 34 56" at <paramref name="start"/>; returns the end, or -1.</summary>
    private static int ReadSixDigits(string text, int start)
    {
        var end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        if (end - start == 6)
        {
            return end;
        }

        if (end - start != 2)
        {
            return -1;
        }

        for (var pair = 0; pair < 2; pair++)
        {
            if (end + 2 >= text.Length
                || text[end] != ' '
                || !char.IsAsciiDigit(text[end + 1])
                || !char.IsAsciiDigit(text[end + 2]))
            {
                return -1;
            }

            end += 3;
        }

        return end < text.Length && char.IsAsciiDigit(text[end]) ? -1 : end;
    }
}
