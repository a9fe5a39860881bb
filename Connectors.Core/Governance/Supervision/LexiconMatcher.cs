using System.Buffers;
using System.Collections.Frozen;

namespace Connectors.Governance.Supervision;

/// <summary>
/// A lexicon term found in a text. <see cref="Offset"/> and <see cref="Length"/> are in the original text
/// (UTF-16 code units, as <c>string.Substring</c> takes them) and cover whole words: a stem hit covers
/// the whole word ("guaranteed" for guarant*), a phrase hit runs from its first word to its last.
/// </summary>
public sealed record TermHit(string Lexicon, string Term, int Offset, int Length)
{
    public int End => Offset + Length;
}

/// <summary>
/// Finds the terms of a set of lexicons in texts. Build it once per set of policies and reuse it: the
/// terms are compiled into dictionaries keyed by their first word, and each text is split into words
/// once, so a message costs one pass plus a few dictionary look-ups per word however many terms there
/// are. Matching ignores case (culture-invariant) and is safe to call from several threads.
/// </summary>
public sealed class LexiconMatcher
{
    private sealed record CompiledTerm(string Lexicon, string Term, string[] Words, bool[] Stems);

    private readonly FrozenDictionary<string, CompiledTerm[]>.AlternateLookup<ReadOnlySpan<char>> byWord;
    private readonly FrozenDictionary<string, CompiledTerm[]>.AlternateLookup<ReadOnlySpan<char>> byStem;
    private readonly int[] stemLengths;
    private readonly bool[] isFirstWordLength; // indexed by length: skips look-ups that cannot succeed

    public LexiconMatcher(IEnumerable<Lexicon> lexicons)
    {
        ArgumentNullException.ThrowIfNull(lexicons);
        var seen = new HashSet<(string Lexicon, string Key)>();
        var words = new Dictionary<string, List<CompiledTerm>>(StringComparer.Ordinal);
        var stems = new Dictionary<string, List<CompiledTerm>>(StringComparer.Ordinal);
        foreach (var lexicon in lexicons)
        {
            foreach (var term in lexicon.Terms)
            {
                if (!seen.Add((lexicon.Name, term.Key)))
                {
                    continue;
                }
                var compiled = new CompiledTerm(lexicon.Name, term.Text, [.. term.Words],
                    Enumerable.Range(0, term.Words.Count).Select(term.IsStem).ToArray());
                var index = compiled.Stems[0] ? stems : words;
                if (!index.TryGetValue(compiled.Words[0], out var list))
                {
                    index[compiled.Words[0]] = list = [];
                }
                list.Add(compiled);
            }
        }
        TermCount = seen.Count;
        byWord = Freeze(words).GetAlternateLookup<ReadOnlySpan<char>>();
        byStem = Freeze(stems).GetAlternateLookup<ReadOnlySpan<char>>();
        stemLengths = [.. stems.Keys.Select(k => k.Length).Distinct().Order()];
        isFirstWordLength = new bool[words.Keys.Select(k => k.Length + 1).DefaultIfEmpty(0).Max()];
        foreach (var word in words.Keys)
        {
            isFirstWordLength[word.Length] = true;
        }
    }

    /// <summary>How many distinct terms (per lexicon) the matcher looks for.</summary>
    public int TermCount { get; }

    /// <summary>
    /// Every place a term occurs, ordered by offset (longest first at the same offset). The same term
    /// in two lexicons gives two hits; overlapping hits of different terms are all kept.
    /// </summary>
    public IReadOnlyList<TermHit> Match(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || TermCount == 0)
        {
            return [];
        }

        var lowerBuffer = ArrayPool<char>.Shared.Rent(text.Length);
        var tokenBuffer = ArrayPool<WordTokenizer.Token>.Shared.Rent(WordTokenizer.MaxTokens(text.Length));
        try
        {
            Span<char> lower = lowerBuffer.AsSpan(0, text.Length);
            text.AsSpan().ToLowerInvariant(lower); // invariant casing keeps every offset where it was
            ReadOnlySpan<WordTokenizer.Token> tokens = tokenBuffer.AsSpan(0, WordTokenizer.Tokenize(text, tokenBuffer));

            List<TermHit>? hits = null;
            for (var i = 0; i < tokens.Length; i++)
            {
                ReadOnlySpan<char> word = lower[tokens[i].Start..tokens[i].End];
                if (word.Length < isFirstWordLength.Length && isFirstWordLength[word.Length]
                    && byWord.TryGetValue(word, out var candidates))
                {
                    Collect(candidates, lower, tokens, i, ref hits);
                }
                foreach (var length in stemLengths)
                {
                    if (length > word.Length)
                    {
                        break;
                    }
                    if (byStem.TryGetValue(word[..length], out var stemmed))
                    {
                        Collect(stemmed, lower, tokens, i, ref hits);
                    }
                }
            }
            if (hits is null)
            {
                return [];
            }
            hits.Sort(InReadingOrder);
            return hits;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(lowerBuffer);
            ArrayPool<WordTokenizer.Token>.Shared.Return(tokenBuffer);
        }
    }

    /// <summary>Adds a hit for each candidate whose remaining words follow the word at <paramref name="first"/>.</summary>
    private static void Collect(CompiledTerm[] candidates, ReadOnlySpan<char> lower,
        ReadOnlySpan<WordTokenizer.Token> tokens, int first, ref List<TermHit>? hits)
    {
        foreach (var term in candidates)
        {
            var last = first + term.Words.Length - 1;
            if (last >= tokens.Length)
            {
                continue;
            }
            var matches = true;
            for (var k = 1; k < term.Words.Length && matches; k++)
            {
                var token = tokens[first + k];
                var word = lower[token.Start..token.End];
                matches = term.Stems[k] ? word.StartsWith(term.Words[k], StringComparison.Ordinal) : word.SequenceEqual(term.Words[k]);
            }
            if (matches)
            {
                var offset = tokens[first].Start;
                (hits ??= []).Add(new TermHit(term.Lexicon, term.Term, offset, tokens[last].End - offset));
            }
        }
    }

    /// <summary>By offset, longer hits first, then by lexicon and term so the order never depends on set-up.</summary>
    private static int InReadingOrder(TermHit a, TermHit b)
    {
        var order = a.Offset.CompareTo(b.Offset);
        if (order == 0)
        {
            order = b.Length.CompareTo(a.Length);
        }
        if (order == 0)
        {
            order = string.CompareOrdinal(a.Lexicon, b.Lexicon);
        }
        return order != 0 ? order : string.CompareOrdinal(a.Term, b.Term);
    }

    private static FrozenDictionary<string, CompiledTerm[]> Freeze(Dictionary<string, List<CompiledTerm>> index) =>
        index.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
}
