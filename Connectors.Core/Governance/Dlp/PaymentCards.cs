namespace Connectors.Governance.Dlp;

/// <summary>Finds and validates payment card numbers (PANs).</summary>
internal static class PaymentCards
{
    private const int MinDigits = 13;
    private const int MaxDigits = 19;

    /// <summary>
    /// Candidates are 13-19 digits written as one number, or as groups joined by single spaces or dashes where the
    /// first group has four digits and the rest three to six (4-4-4-4, 4-6-5, 4-6-4, 4-4-4-4-3).
    /// </summary>
    public static void Find(string text, List<DlpCandidate> candidates)
    {
        var runs = new DigitRuns(text);
        while (runs.MoveNext())
        {
            var groups = runs.Groups;
            if (runs.Separator == '-')
            {
                if (IsGroupedShape(groups, 0, groups.Count - 1))
                {
                    candidates.Add(Span(groups, 0, groups.Count - 1));
                }

                continue;
            }

            for (var i = 0; i < groups.Count; i++)
            {
                if (groups[i].Length is >= MinDigits and <= MaxDigits)
                {
                    candidates.Add(Span(groups, i, i));
                    continue;
                }

                if (groups[i].Length != 4)
                {
                    continue;
                }

                // Every way of reading the following groups as the rest of a card; the scanner keeps the longest
                // valid one and drops the overlaps.
                var digits = 4;
                for (var j = i + 1; j < groups.Count && groups[j].Length is >= 3 and <= 6; j++)
                {
                    digits += groups[j].Length;
                    if (digits > MaxDigits)
                    {
                        break;
                    }

                    if (digits >= MinDigits)
                    {
                        candidates.Add(Span(groups, i, j));
                    }
                }
            }
        }
    }

    /// <summary>Luhn-valid, 13-19 digits, a known issuer prefix, and not one digit repeated.</summary>
    public static bool Validate(ReadOnlySpan<char> value)
    {
        Span<byte> digits = stackalloc byte[MaxDigits];
        var count = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                if (count == MaxDigits)
                {
                    return false;
                }

                digits[count++] = (byte)(c - '0');
            }
        }

        if (count < MinDigits)
        {
            return false;
        }

        digits = digits[..count];
        return digits.ContainsAnyExcept(digits[0]) && IsKnownIssuer(digits) && Checksums.IsLuhnValid(digits);
    }

    private static bool IsKnownIssuer(ReadOnlySpan<byte> d)
    {
        var two = (d[0] * 10) + d[1];
        var three = (two * 10) + d[2];
        var four = (three * 10) + d[3];
        var length = d.Length;
        return d[0] == 4 && length is 13 or 16 or 19                           // Visa
            || two is >= 51 and <= 55 && length == 16                          // Mastercard
            || four is >= 2221 and <= 2720 && length == 16                     // Mastercard 2-series
            || two is 34 or 37 && length == 15                                 // American Express
            || (four == 6011 || two == 65 || three is >= 644 and <= 649) && length is >= 16 and <= 19 // Discover
            || (two is 36 or 38 || three is >= 300 and <= 305) && length is >= 14 and <= 19           // Diners Club
            || four is >= 3528 and <= 3589 && length is >= 16 and <= 19                              // JCB
            || two == 62 && length is >= 16 and <= 19;                                                // UnionPay
    }

    private static bool IsGroupedShape(List<DigitGroup> groups, int first, int last)
    {
        if (last <= first || groups[first].Length != 4)
        {
            return false;
        }

        var digits = 4;
        for (var i = first + 1; i <= last; i++)
        {
            if (groups[i].Length is < 3 or > 6)
            {
                return false;
            }

            digits += groups[i].Length;
        }

        return digits is >= MinDigits and <= MaxDigits;
    }

    private static DlpCandidate Span(List<DigitGroup> groups, int first, int last) =>
        new(groups[first].Start, groups[last].End - groups[first].Start);
}
