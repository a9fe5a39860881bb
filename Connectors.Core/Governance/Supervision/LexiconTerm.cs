using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Connectors.Governance.Supervision;

/// <summary>How a lexicon term matches text.</summary>
public enum LexiconTermKind
{
    /// <summary>One whole word: "guarantee" matches "Guarantee" but not "guaranteed".</summary>
    Word,
    /// <summary>Any word that starts with the stem: "guarant*" matches "guaranteed" and "guarantor".</summary>
    Stem,
    /// <summary>Several words in order, with any spaces, line breaks or punctuation between them.</summary>
    Phrase,
}

/// <summary>
/// One entry of a lexicon, parsed from what an administrator types on one line: <c>guarantee</c> (a word),
/// <c>guarant*</c> (a stem), <c>"delete this"</c> or <c>delete this</c> (a phrase; a <c>*</c> at the end of
/// a word makes that word a stem, as in <c>move to whats*</c>). Matching ignores case, and punctuation
/// in a term separates words just as it does in messages, so <c>risk-free</c> also matches "risk free"
/// and <c>don't</c> matches "don’t".
/// </summary>
public sealed class LexiconTerm : IEquatable<LexiconTerm>
{
    /// <summary>The longest term accepted, in characters.</summary>
    public const int MaxLength = 200;

    /// <summary>The fewest characters a stem needs before its <c>*</c>; shorter stems would flag almost every message.</summary>
    public const int MinStemLength = 3;

    private readonly string[] words;
    private readonly bool[] stems;
    private readonly string key;

    private LexiconTerm(string text, string[] words, bool[] stems)
    {
        Text = text;
        this.words = words;
        this.stems = stems;
        Kind = words.Length > 1 ? LexiconTermKind.Phrase : stems[0] ? LexiconTermKind.Stem : LexiconTermKind.Word;
        key = string.Join(' ', words.Select((w, i) => stems[i] ? w + "*" : w));
    }

    /// <summary>The term as the administrator typed it, trimmed, without surrounding quotes and with single spaces.</summary>
    public string Text { get; }

    public LexiconTermKind Kind { get; }

    /// <summary>The term's words in lower case, without any <c>*</c>.</summary>
    public IReadOnlyList<string> Words => words;

    /// <summary>Whether the word at <paramref name="index"/> is a stem (ended with <c>*</c>).</summary>
    public bool IsStem(int index) => stems[index];

    /// <summary>Parses one term; <paramref name="error"/> says what is wrong in words an administrator understands.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out LexiconTerm? term, [NotNullWhen(false)] out string? error)
    {
        term = null;
        var trimmed = Unquote((text ?? "").Trim());
        if (trimmed.Length == 0)
        {
            error = "A term cannot be empty.";
            return false;
        }
        if (trimmed.Length > MaxLength)
        {
            error = $"A term can be at most {MaxLength} characters; this one has {trimmed.Length}.";
            return false;
        }
        var display = CollapseWhitespace(trimmed);
        if (display.All(c => c == '*' || c == ' '))
        {
            error = "A '*' on its own would match every word; put it straight after the first letters of a word, as in guarant*.";
            return false;
        }

        var tokens = new WordTokenizer.Token[WordTokenizer.MaxTokens(display.Length)];
        var count = WordTokenizer.Tokenize(display, tokens);
        if (count == 0)
        {
            error = $"'{display}' has no letters or digits to match.";
            return false;
        }

        var words = new string[count];
        var stems = new bool[count];
        for (var i = 0; i < count; i++)
        {
            var token = tokens[i];
            words[i] = display.Substring(token.Start, token.Length).ToLowerInvariant();
            // A stem's '*' ends the word: "gu*rantee" is a mistake, not the stem "gu" and the word "rantee".
            stems[i] = token.End < display.Length && display[token.End] == '*'
                && (token.End + 1 == display.Length || !WordTokenizer.IsWordCharAt(display, token.End + 1, out _));
        }
        if (display.Count(c => c == '*') != stems.Count(s => s))
        {
            error = $"'{display}': '*' can only end a word, as in guarant* or \"move to whats*\".";
            return false;
        }
        for (var i = 0; i < count; i++)
        {
            if (stems[i] && tokens[i].Length < MinStemLength)
            {
                error = $"'{display}': a stem needs at least {MinStemLength} characters before '*' ('{words[i]}*' would flag far too many messages).";
                return false;
            }
        }

        term = new LexiconTerm(display, words, stems);
        error = null;
        return true;
    }

    /// <summary>Parses one term or throws <see cref="FormatException"/> (for terms written in code).</summary>
    public static LexiconTerm Parse(string text) =>
        TryParse(text, out var term, out var error) ? term : throw new FormatException(error);

    /// <summary>
    /// Parses terms typed one per line. Blank lines and repeated terms are skipped; each bad line gives
    /// an error such as "Line 3: ...", and the good lines are still returned.
    /// </summary>
    public static IReadOnlyList<LexiconTerm> ParseLines(string? lines, out IReadOnlyList<string> errors)
    {
        var terms = new List<LexiconTerm>();
        var seen = new HashSet<LexiconTerm>();
        var problems = new List<string>();
        var split = (lines ?? "").ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < split.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(split[i]))
            {
                continue;
            }
            if (!TryParse(split[i], out var term, out var error))
            {
                problems.Add($"Line {i + 1}: {error}");
            }
            else if (seen.Add(term))
            {
                terms.Add(term);
            }
        }
        errors = problems;
        return terms;
    }

    /// <summary>Terms are equal when they match exactly the same text, whatever the case or punctuation typed.</summary>
    public bool Equals(LexiconTerm? other) => other is not null && key == other.key;

    public override bool Equals(object? obj) => Equals(obj as LexiconTerm);

    public override int GetHashCode() => key.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Text;

    /// <summary>A key that is the same for terms that match the same text (lower-case words, '*' on stems).</summary>
    internal string Key => key;

    private static string Unquote(string text)
    {
        if (text.Length >= 2 && IsQuote(text[0]) && IsQuote(text[^1]))
        {
            return text[1..^1].Trim();
        }
        return text;
    }

    private static bool IsQuote(char c) => c is '"' or '\u201C' or '\u201D' or '\u201E' or '\u00AB' or '\u00BB';

    private static string CollapseWhitespace(string text)
    {
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }
            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }
            builder.Append(c);
        }
        return builder.ToString();
    }
}
