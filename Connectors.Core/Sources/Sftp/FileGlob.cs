namespace Connectors.Sources.Sftp;

/// <summary>
/// File-name globs as vendors document them (<c>*.ib19.*.xml*.gpg</c>): <c>*</c> is any run of characters
/// (including none and including dots), <c>?</c> is exactly one character, everything else is literal;
/// matching is case-insensitive (invariant) and covers the whole name. No character classes, no <c>**</c>.
/// </summary>
public static class FileGlob
{
    /// <summary>Whether <paramref name="name"/> matches <paramref name="pattern"/>.</summary>
    public static bool IsMatch(string name, string pattern)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(pattern);

        // Iterative wildcard matching with backtracking to the last '*': linear in practice, no regex, no
        // exponential blow-up on hostile patterns.
        int n = 0, p = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starN = n;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || CharEquals(pattern[p], name[n])))
            {
                p++;
                n++;
            }
            else if (starP >= 0)
            {
                // Let the last '*' swallow one more character and retry.
                p = starP + 1;
                n = ++starN;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }

    /// <summary>
    /// Whether <paramref name="name"/> matches any of <paramref name="patterns"/>; an empty list matches every name.
    /// </summary>
    public static bool IsMatchAny(string name, IReadOnlyList<string> patterns)
    {
        if (patterns.Count == 0)
        {
            return true;
        }
        foreach (var pattern in patterns)
        {
            if (IsMatch(name, pattern))
            {
                return true;
            }
        }
        return false;
    }

    private static bool CharEquals(char a, char b) =>
        a == b || char.ToUpperInvariant(a) == char.ToUpperInvariant(b);
}
