namespace Connectors.Governance.Dlp;

/// <summary>
/// Hides matched values so DLP lists, alerts, webhooks and logs can show where sensitive data is without
/// repeating it.
/// </summary>
public static class DlpMasking
{
    /// <summary>The character that replaces hidden characters.</summary>
    public const char MaskChar = '*';

    private const int MaxVisible = 4;

    /// <summary>
    /// Replaces every letter and digit with '*' except the last four, keeping separators, so
    /// "4111 1111 1111 1111" becomes "**** **** **** 1111" and "123-45-6789" becomes "***-**-6789". Email
    /// addresses keep their first character and domain ("j***@example.com"). Values of four characters or fewer
    /// are hidden completely, and short values never show more than half their letters and digits.
    /// </summary>
    public static string Mask(string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value.Length <= MaxVisible)
        {
            return new string(MaskChar, value.Length);
        }

        var at = value.IndexOf('@');
        if (at > 0 && at < value.Length - 1 && value.IndexOf('@', at + 1) < 0)
        {
            return (at > 1 ? value[0] + "***" : "***") + value[at..];
        }

        var alphanumerics = 0;
        foreach (var c in value)
        {
            if (char.IsLetterOrDigit(c))
            {
                alphanumerics++;
            }
        }

        var visible = alphanumerics <= MaxVisible ? 0 : Math.Min(MaxVisible, alphanumerics / 2);
        return string.Create(value.Length, (value, visible), static (chars, state) =>
        {
            var (source, stillVisible) = state;
            for (var i = source.Length - 1; i >= 0; i--)
            {
                var c = source[i];
                if (!char.IsLetterOrDigit(c))
                {
                    chars[i] = c;
                }
                else if (stillVisible > 0)
                {
                    chars[i] = c;
                    stillVisible--;
                }
                else
                {
                    chars[i] = MaskChar;
                }
            }
        });
    }
}
