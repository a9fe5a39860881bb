namespace Connectors.Governance.Dlp;

/// <summary>Check-digit algorithms used by the built-in types.</summary>
internal static class Checksums
{
    /// <summary>The Luhn (mod 10) check used by payment cards: the last digit is the check digit.</summary>
    public static bool IsLuhnValid(ReadOnlySpan<byte> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i];
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    /// <summary>
    /// The ISO 7064 mod 97-10 check used by IBANs: the first four characters move to the end, letters become
    /// 10-35, and the resulting number leaves remainder 1 when divided by 97. Expects upper-case letters and digits.
    /// </summary>
    public static bool IsMod97Valid(ReadOnlySpan<char> iban)
    {
        var remainder = 0;
        for (var i = 0; i < iban.Length; i++)
        {
            var c = iban[(i + 4) % iban.Length];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }

        return remainder == 1;
    }

    /// <summary>The ABA routing number check: 3, 7, 1 weights repeated, sum divisible by 10.</summary>
    public static bool IsAbaValid(ReadOnlySpan<byte> digits)
    {
        if (digits.Length != 9)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += digits[i] * (i % 3) switch { 0 => 3, 1 => 7, _ => 1 };
        }

        return sum % 10 == 0;
    }
}
