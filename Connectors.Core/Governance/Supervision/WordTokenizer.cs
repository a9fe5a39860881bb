using System.Globalization;
using System.Text;

namespace Connectors.Governance.Supervision;

/// <summary>
/// Splits text into words: maximal runs of Unicode letters, digits and combining marks. Everything else
/// (spaces, line breaks, punctuation, apostrophes, symbols, emoji) separates words, so "don’t" and
/// "don't" are both the words "don" and "t", and "risk-free" is "risk" and "free".
/// </summary>
internal static class WordTokenizer
{
    /// <summary>One word: its start and (exclusive) end in the text, in UTF-16 code units.</summary>
    internal readonly record struct Token(int Start, int End)
    {
        public int Length => End - Start;
    }

    /// <summary>The most words a text of this length can hold (each needs a character and a separator).</summary>
    internal static int MaxTokens(int length) => (length + 1) / 2;

    /// <summary>Writes the words of <paramref name="text"/> to <paramref name="tokens"/> and returns how many.</summary>
    internal static int Tokenize(ReadOnlySpan<char> text, Span<Token> tokens)
    {
        var count = 0;
        var start = -1;
        var i = 0;
        while (i < text.Length)
        {
            var isWord = IsWordCharAt(text, i, out var width);
            if (isWord && start < 0)
            {
                start = i;
            }
            else if (!isWord && start >= 0)
            {
                tokens[count++] = new Token(start, i);
                start = -1;
            }
            i += width;
        }
        if (start >= 0)
        {
            tokens[count++] = new Token(start, text.Length);
        }
        return count;
    }

    /// <summary>Whether the character (or surrogate pair) at <paramref name="index"/> belongs to a word.</summary>
    internal static bool IsWordCharAt(ReadOnlySpan<char> text, int index, out int width)
    {
        var c = text[index];
        width = 1;
        if (c < 0x80)
        {
            return char.IsAsciiLetterOrDigit(c);
        }
        if (c == '\u02BC')
        {
            return false; // MODIFIER LETTER APOSTROPHE is a letter to Unicode but an apostrophe to people
        }
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            width = 2;
            return IsWordCategory(Rune.GetUnicodeCategory(new Rune(c, text[index + 1])));
        }
        return IsWordCategory(char.GetUnicodeCategory(c));
    }

    private static bool IsWordCategory(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => true,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
        _ => false,
    };
}
