namespace Connectors.Governance.Dlp;

/// <summary>Character tests shared by the built-in finders.</summary>
internal static class TextScan
{
    /// <summary>Letters, digits and underscore: characters that glue a value to a longer word.</summary>
    public static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>Punctuation that joins two numbers into one, as in "3.14", "1,000", "12/25" or "2024-01".</summary>
    private static bool IsNumberJoiner(char c) => c is '.' or ',' or '/' or '-' or ':';

    /// <summary>
    /// True when a value may start at <paramref name="index"/>: not glued to a word and not the tail of a longer
    /// number (a digit then a joiner, as in "1.4111...").
    /// </summary>
    public static bool IsStartBoundary(string text, int index)
    {
        if (index == 0)
        {
            return true;
        }

        var before = text[index - 1];
        if (IsWordChar(before))
        {
            return false;
        }

        return !(IsNumberJoiner(before) && index >= 2 && char.IsAsciiDigit(text[index - 2]));
    }

    /// <summary>
    /// True when a value may end just before <paramref name="end"/>: not glued to a word and not followed by a joiner
    /// and more digits.
    /// </summary>
    public static bool IsEndBoundary(string text, int end)
    {
        if (end >= text.Length)
        {
            return true;
        }

        var after = text[end];
        if (IsWordChar(after))
        {
            return false;
        }

        return !(IsNumberJoiner(after) && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]));
    }

    /// <summary>The index of the first non-digit at or after <paramref name="index"/>.</summary>
    public static int SkipDigits(string text, int index)
    {
        while (index < text.Length && char.IsAsciiDigit(text[index]))
        {
            index++;
        }

        return index;
    }

    /// <summary>True when no letter, digit or underscore touches the span [start, end).</summary>
    public static bool IsWholeWord(string text, int start, int end) =>
        (start == 0 || !IsWordChar(text[start - 1])) && (end >= text.Length || !IsWordChar(text[end]));
}
