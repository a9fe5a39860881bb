using System.Text.RegularExpressions;

namespace Connectors.Governance.Dlp;

/// <summary>Finds and validates email addresses and phone numbers.</summary>
internal static partial class ContactDetails
{
    private const int MaxLocalLength = 64;
    private const int MaxEmailLength = 254;

    /// <summary>Email addresses: local@domain.tld, found by walking out from each "@".</summary>
    public static void FindEmails(string text, List<DlpCandidate> candidates)
    {
        var position = 0;
        while (position < text.Length)
        {
            var at = text.IndexOf('@', position);
            if (at < 0)
            {
                return;
            }

            position = at + 1;
            var start = at;
            while (start > 0 && IsLocalChar(text[start - 1]))
            {
                start--;
            }

            // A sentence may run into the address ("...to.jane@"): an address cannot start with a dot.
            while (start < at && text[start] == '.')
            {
                start++;
            }

            var end = at + 1;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '-' or '.'))
            {
                end++;
            }

            // Trailing punctuation belongs to the sentence, not the address.
            while (end > at + 1 && text[end - 1] is '.' or '-')
            {
                end--;
            }

            if (start < at && end > at + 1)
            {
                candidates.Add(new DlpCandidate(start, end - start));
                position = end;
            }
        }
    }

    /// <summary>
    /// A local part of 1-64 characters without leading, trailing or doubled dots, and a domain of at least two
    /// labels (each 1-63 letters, digits or inner hyphens) ending in an alphabetic top-level domain.
    /// </summary>
    public static bool ValidateEmail(ReadOnlySpan<char> value)
    {
        var at = value.IndexOf('@');
        if (at <= 0 || value.Length > MaxEmailLength || at != value.LastIndexOf('@'))
        {
            return false;
        }

        var local = value[..at];
        var domain = value[(at + 1)..];
        if (local.Length > MaxLocalLength || local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        var labels = 0;
        ReadOnlySpan<char> lastLabel = default;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            labels++;
            lastLabel = label;
        }

        return labels >= 2 && lastLabel.Length >= 2 && IsAsciiLetters(lastLabel);
    }

    /// <summary>
    /// Phone numbers: international numbers starting with "+", North American numbers written (xxx) xxx-xxxx or
    /// xxx-xxx-xxxx (dots or spaces also), and UK mobile numbers 07xxx xxxxxx.
    /// </summary>
    public static void FindPhoneNumbers(string text, List<DlpCandidate> candidates)
    {
        foreach (var match in PhonePattern().EnumerateMatches(text))
        {
            candidates.Add(new DlpCandidate(match.Index, match.Length));
        }
    }

    /// <summary>
    /// International numbers have 8-15 digits (E.164), and +1 numbers must also be valid North American numbers;
    /// North American area codes and exchanges start with 2-9 and area codes are not N11 service codes; UK mobiles
    /// are 07 followed by nine digits.
    /// </summary>
    public static bool ValidatePhoneNumber(ReadOnlySpan<char> value)
    {
        Span<char> digits = stackalloc char[16];
        var count = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                if (count == digits.Length)
                {
                    return false;
                }

                digits[count++] = c;
            }
        }

        digits = digits[..count];
        if (value[0] == '+')
        {
            if (count is < 8 or > 15)
            {
                return false;
            }

            return digits[0] != '1' || count == 11 && IsNorthAmerican(digits[1..]);
        }

        if (count == 11)
        {
            return digits.StartsWith("07");
        }

        return count == 10 && IsNorthAmerican(digits);
    }

    private static bool IsNorthAmerican(ReadOnlySpan<char> tenDigits) =>
        tenDigits[0] >= '2' && tenDigits[3] >= '2' && !(tenDigits[1] == '1' && tenDigits[2] == '1');

    private static bool IsLocalChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-' or '\'';

    private static bool IsAsciiLetters(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }

    // Not glued to a word or to a longer number on either side. The + branch takes up to 16 digit groups and
    // the validator counts the digits; the other branches are fixed shapes.
    [GeneratedRegex("""
        (?<![\w+]|[0-9][-.])
        (?:
            \+[1-9](?:[ .\-]?(?:\([0-9]{1,4}\)|[0-9])){6,16}
          | \([0-9]{3}\)\ ?[0-9]{3}[-. ][0-9]{4}
          | [0-9]{3}(?<sep>[-. ])[0-9]{3}\k<sep>[0-9]{4}
          | 07[0-9]{3}\ ?[0-9]{6}
        )
        (?![\w]|[-.][0-9])
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex PhonePattern();
}
