using System.Buffers;

namespace Connectors.Governance.Dlp;

/// <summary>Finds and validates IBANs, ABA routing numbers and SWIFT/BIC codes.</summary>
internal static class BankIdentifiers
{
    private const int MaxIbanLength = 34;

    private static readonly SearchValues<char> UpperOrDigit =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    /// <summary>
    /// IBANs: a country code, two check digits and the country's BBAN, written together or in groups of four
    /// separated by single spaces ("GB82 WEST 1234 5698 7654 32"). The length must be the country's.
    /// </summary>
    public static void FindIbans(string text, List<DlpCandidate> candidates)
    {
        var position = 0;
        while (position < text.Length)
        {
            var found = text.AsSpan(position).IndexOfAnyInRange('0', '9');
            if (found < 0)
            {
                return;
            }

            // Look for the two check digits with the country code right before them.
            var checkDigits = position + found;
            position = TextScan.SkipDigits(text, checkDigits);
            var start = checkDigits - 2;
            if (start < 0
                || checkDigits + 1 >= text.Length
                || !char.IsAsciiDigit(text[checkDigits + 1])
                || !TextScan.IsStartBoundary(text, start))
            {
                continue;
            }

            var length = Countries.IbanLength(char.ToUpperInvariant(text[start]), char.ToUpperInvariant(text[start + 1]));
            if (length == 0)
            {
                continue;
            }

            var end = ReadIban(text, checkDigits + 2, length);
            if (end > 0)
            {
                candidates.Add(new DlpCandidate(start, end - start));
                position = end;
            }
        }
    }

    /// <summary>The country's length and the mod-97 check.</summary>
    public static bool ValidateIban(ReadOnlySpan<char> value)
    {
        Span<char> compact = stackalloc char[MaxIbanLength];
        var count = 0;
        foreach (var c in value)
        {
            if (c == ' ')
            {
                continue;
            }

            if (!char.IsAsciiLetterOrDigit(c) || count == MaxIbanLength)
            {
                return false;
            }

            compact[count++] = char.ToUpperInvariant(c);
        }

        compact = compact[..count];
        return count >= 4
            && Countries.IbanLength(compact[0], compact[1]) == count
            && char.IsAsciiDigit(compact[2])
            && char.IsAsciiDigit(compact[3])
            && Checksums.IsMod97Valid(compact);
    }

    /// <summary>ABA routing numbers: a 9-digit number standing on its own.</summary>
    public static void FindAbaRoutingNumbers(string text, List<DlpCandidate> candidates)
    {
        var runs = new DigitRuns(text);
        while (runs.MoveNext())
        {
            if (runs.Separator == '-')
            {
                continue;
            }

            foreach (var group in runs.Groups)
            {
                if (group.Length == 9)
                {
                    candidates.Add(new DlpCandidate(group.Start, 9));
                }
            }
        }
    }

    /// <summary>
    /// The first two digits must be a Federal Reserve routing symbol (00-12, 21-32, 61-72, or 80 for traveller's
    /// cheques) and the 3-7-1 weighted checksum must hold.
    /// </summary>
    public static bool ValidateAbaRoutingNumber(ReadOnlySpan<char> value)
    {
        if (value.Length != 9)
        {
            return false;
        }

        Span<byte> digits = stackalloc byte[9];
        for (var i = 0; i < 9; i++)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                return false;
            }

            digits[i] = (byte)(value[i] - '0');
        }

        var prefix = (digits[0] * 10) + digits[1];
        return prefix is <= 12 or (>= 21 and <= 32) or (>= 61 and <= 72) or 80 && Checksums.IsAbaValid(digits);
    }

    /// <summary>
    /// SWIFT/BIC codes: a whole word of 8 or 11 upper-case letters and digits whose first six characters are
    /// letters (bank code and country).
    /// </summary>
    public static void FindBics(string text, List<DlpCandidate> candidates)
    {
        var position = 0;
        while (position < text.Length)
        {
            var found = text.AsSpan(position).IndexOfAnyInRange('A', 'Z');
            if (found < 0)
            {
                return;
            }

            var start = position + found;
            var end = start;
            while (end < text.Length && TextScan.IsWordChar(text[end]))
            {
                end++;
            }

            position = end;
            var word = text.AsSpan(start, end - start);
            if ((word.Length is 8 or 11)
                && TextScan.IsWholeWord(text, start, end)
                && !word[..6].ContainsAnyExceptInRange('A', 'Z')
                && !word[6..].ContainsAnyExcept(UpperOrDigit))
            {
                candidates.Add(new DlpCandidate(start, word.Length));
            }
        }
    }

    /// <summary>The country code at positions 5-6 must be an assigned ISO 3166 code.</summary>
    public static bool ValidateBic(ReadOnlySpan<char> value) =>
        value.Length is 8 or 11 && Countries.IsCountry(value[4], value[5]);

    /// <summary>
    /// Reads the rest of an IBAN of <paramref name="length"/> characters after its first four, either compact or in
    /// space-separated groups of four. Returns the end, or -1 when the text does not continue as an IBAN.
    /// </summary>
    private static int ReadIban(string text, int index, int length)
    {
        var count = 4;
        var groupLength = 4;
        var spaced = false;
        while (count < length && index < text.Length)
        {
            var c = text[index];
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (spaced && groupLength == 4)
                {
                    break;
                }

                count++;
                groupLength++;
                index++;
            }
            else if (c == ' ' && groupLength == 4 && index + 1 < text.Length && char.IsAsciiLetterOrDigit(text[index + 1]))
            {
                groupLength = 0;
                spaced = true;
                index++;
            }
            else
            {
                break;
            }
        }

        // Spaced IBANs are printed in groups of four; only the last group may be shorter.
        return count == length && TextScan.IsEndBoundary(text, index) ? index : -1;
    }
}
