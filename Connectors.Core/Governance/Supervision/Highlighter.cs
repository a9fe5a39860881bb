using System.Text;

namespace Connectors.Governance.Supervision;

/// <summary>
/// A piece of text to show as is (<see cref="IsHit"/> false) or marked as a hit. <see cref="Term"/> names
/// the term(s) found there, comma-separated when several overlap. The text is plain: encode it for HTML.
/// </summary>
public sealed record HighlightSegment(string Text, bool IsHit, string? Term);

/// <summary>Turns a text and its <see cref="TermHit"/>s into pieces a page can render with the hits marked.</summary>
public static class Highlighter
{
    private const string Ellipsis = "\u2026";

    /// <summary>
    /// The whole text as consecutive segments that join back to exactly the original. Overlapping hits
    /// merge into one marked segment. Hits outside the text (say, from an older version of it) are
    /// clipped to it rather than failing the page.
    /// </summary>
    public static IReadOnlyList<HighlightSegment> Segments(string text, IReadOnlyList<TermHit> hits)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(hits);
        var segments = new List<HighlightSegment>();
        var position = 0;
        foreach (var span in Merge(text, hits))
        {
            if (span.Start > position)
            {
                segments.Add(new HighlightSegment(text[position..span.Start], false, null));
            }
            segments.Add(new HighlightSegment(text[span.Start..span.End], true, span.Terms));
            position = span.End;
        }
        if (position < text.Length || segments.Count == 0)
        {
            segments.Add(new HighlightSegment(text[position..], false, null));
        }
        return segments;
    }

    /// <summary>
    /// A one-line excerpt around the first hit: up to <paramref name="context"/> characters either side,
    /// cut between words, "…" where text was left out, and runs of whitespace (line breaks
    /// included) shown as one space. Without hits, the start of the text.
    /// </summary>
    public static string Snippet(string text, IReadOnlyList<TermHit> hits, int context = 80) =>
        string.Concat(SnippetSegments(text, hits, context).Select(s => s.Text));

    /// <summary>The same excerpt as <see cref="Snippet"/>, as segments so a list can mark the hits in it too.</summary>
    public static IReadOnlyList<HighlightSegment> SnippetSegments(string text, IReadOnlyList<TermHit> hits, int context = 80)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(hits);
        ArgumentOutOfRangeException.ThrowIfNegative(context);

        var merged = Merge(text, hits);
        int from, to;
        if (merged.Count == 0)
        {
            from = 0;
            to = CutBefore(text, Math.Min(text.Length, 2 * context), 0);
        }
        else
        {
            var first = merged[0];
            from = CutAfter(text, Math.Max(0, first.Start - context), first.Start);
            to = CutBefore(text, Math.Min(text.Length, first.End + context), first.End);
        }

        var segments = new List<HighlightSegment>();
        var position = from;
        foreach (var span in merged.Where(s => s.Start < to && s.End > from))
        {
            var start = Math.Max(span.Start, from);
            AddPlain(segments, Collapse(text[position..start]));
            position = Math.Min(span.End, to);
            segments.Add(new HighlightSegment(Collapse(text[start..position]), true, span.Terms));
        }
        AddPlain(segments, Collapse(text[position..to]));

        // The excerpt's outer whitespace goes (hits never start or end with it); "…" marks what was left out.
        if (segments.Count > 0 && !segments[0].IsHit)
        {
            segments[0] = segments[0] with { Text = segments[0].Text.TrimStart() };
        }
        if (segments.Count > 0 && !segments[^1].IsHit)
        {
            segments[^1] = segments[^1] with { Text = segments[^1].Text.TrimEnd() };
        }
        segments.RemoveAll(s => s.Text.Length == 0);
        if (from > 0)
        {
            if (segments.Count > 0 && !segments[0].IsHit)
            {
                segments[0] = segments[0] with { Text = Ellipsis + segments[0].Text };
            }
            else
            {
                segments.Insert(0, new HighlightSegment(Ellipsis, false, null));
            }
        }
        if (to < text.Length)
        {
            if (segments.Count > 0 && !segments[^1].IsHit)
            {
                segments[^1] = segments[^1] with { Text = segments[^1].Text + Ellipsis };
            }
            else
            {
                segments.Add(new HighlightSegment(Ellipsis, false, null));
            }
        }
        return segments;
    }

    private readonly record struct MergedSpan(int Start, int End, string Terms);

    /// <summary>Hits clipped to the text, sorted, with overlapping ones merged (naming each term once).</summary>
    private static List<MergedSpan> Merge(string text, IReadOnlyList<TermHit> hits)
    {
        var spans = new List<MergedSpan>();
        var ordered = hits
            .Select(h => (Start: Math.Clamp(h.Offset, 0, text.Length), End: Math.Clamp(h.Offset + Math.Max(h.Length, 0), 0, text.Length), h.Term))
            .Where(h => h.End > h.Start)
            .OrderBy(h => h.Start)
            .ThenByDescending(h => h.End);
        int start = -1, end = -1;
        var terms = new List<string>();
        foreach (var hit in ordered)
        {
            if (start >= 0 && hit.Start < end)
            {
                end = Math.Max(end, hit.End);
            }
            else
            {
                if (start >= 0)
                {
                    spans.Add(new MergedSpan(start, end, string.Join(", ", terms)));
                }
                (start, end) = (hit.Start, hit.End);
                terms.Clear();
            }
            if (!terms.Contains(hit.Term, StringComparer.Ordinal))
            {
                terms.Add(hit.Term);
            }
        }
        if (start >= 0)
        {
            spans.Add(new MergedSpan(start, end, string.Join(", ", terms)));
        }
        return spans;
    }

    /// <summary>Moves a start cut forward to the start of a word (the hit's start is one).</summary>
    private static int CutAfter(string text, int cut, int limit)
    {
        while (cut > 0 && cut < limit && !(IsBoundary(text, cut) && WordTokenizer.IsWordCharAt(text, cut, out _)))
        {
            cut++;
        }
        return cut;
    }

    /// <summary>Moves an end cut back to the end of a word (the hit's end is one).</summary>
    private static int CutBefore(string text, int cut, int limit)
    {
        while (cut < text.Length && cut > limit && !(IsBoundary(text, cut) && IsWordCharBefore(text, cut)))
        {
            cut--;
        }
        return cut;
    }

    /// <summary>Whether cutting before <paramref name="index"/> splits neither a word nor a surrogate pair.</summary>
    private static bool IsBoundary(string text, int index)
    {
        if (index <= 0 || index >= text.Length)
        {
            return true;
        }
        if (char.IsLowSurrogate(text[index]) && char.IsHighSurrogate(text[index - 1]))
        {
            return false;
        }
        return !(IsWordCharBefore(text, index) && WordTokenizer.IsWordCharAt(text, index, out _));
    }

    private static bool IsWordCharBefore(string text, int index) =>
        index > 0 && WordTokenizer.IsWordCharAt(text, char.IsLowSurrogate(text[index - 1]) && index >= 2 ? index - 2 : index - 1, out _);

    private static void AddPlain(List<HighlightSegment> segments, string text)
    {
        if (text.Length > 0)
        {
            segments.Add(new HighlightSegment(text, false, null));
        }
    }

    private static string Collapse(string text)
    {
        var builder = new StringBuilder(text.Length);
        var inSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (!inSpace)
                {
                    builder.Append(' ');
                }
                inSpace = true;
            }
            else
            {
                builder.Append(c);
                inSpace = false;
            }
        }
        return builder.ToString();
    }
}
