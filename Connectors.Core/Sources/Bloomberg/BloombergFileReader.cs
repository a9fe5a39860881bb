using System.Xml;
using Connectors.Sources.Files;

namespace Connectors.Sources.Bloomberg;

/// <summary>
/// Runs a parser body over a delivered file and turns whatever makes the rest of the file unreadable
/// (malformed or truncated XML, a DTD, excessive depth, an oversized node) into one stopping
/// <see cref="ParseFailure"/>. Entries already yielded stand. Cancellation is the only exception let out.
/// </summary>
internal static class BloombergFileReader
{
    public static IEnumerable<ParsedEntry> Read(Stream content, long maxElementBytes,
        Func<BloombergXmlCursor, IEnumerable<ParsedEntry>> body)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Guarded(Entries(content, maxElementBytes, body));
    }

    /// <summary>Moves to the root element; a failure that stops the file when it is not <paramref name="expected"/>.</summary>
    public static ParseFailure? CheckRoot(BloombergXmlCursor cursor, string expected, string description)
    {
        var root = cursor.MoveToRoot();
        return string.Equals(root, expected, StringComparison.OrdinalIgnoreCase)
            ? null
            : new ParseFailure($"The file is not {description} (its root element is <{root}>, expected <{expected}>).", StopsFile: true);
    }

    /// <summary>Whether an element's local name is <paramref name="expected"/>, ignoring case.</summary>
    public static bool Is(string name, string expected) => string.Equals(name, expected, StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<ParsedEntry> Entries(Stream content, long maxElementBytes,
        Func<BloombergXmlCursor, IEnumerable<ParsedEntry>> body)
    {
        using var cursor = new BloombergXmlCursor(content, maxElementBytes);
        foreach (var entry in body(cursor))
        {
            yield return entry;
        }
    }

    private static IEnumerable<ParsedEntry> Guarded(IEnumerable<ParsedEntry> entries)
    {
        using var enumerator = entries.GetEnumerator();
        while (true)
        {
            bool more;
            ParseFailure? stop = null;
            try
            {
                more = enumerator.MoveNext();
            }
            catch (XmlException ex)
            {
                more = false;
                stop = Unreadable(ex);
            }
            catch (XmlNodeTooLargeException ex)
            {
                more = false;
                stop = new ParseFailure(
                    $"The XML has a node too large to read safely (near byte {ex.BytesRead}); the rest of the file was not read.",
                    StopsFile: true);
            }
            if (stop is not null)
            {
                yield return stop;
                yield break;
            }
            if (!more)
            {
                yield break;
            }
            yield return enumerator.Current;
        }
    }

    private static ParseFailure Unreadable(XmlException ex)
    {
        var where = ex.LineNumber > 0 ? $"at line {ex.LineNumber}, position {ex.LinePosition}" : "at an unknown position";
        return new ParseFailure($"The XML cannot be read {where}; the rest of the file was not read: {ex.Message}",
            Line: ex.LineNumber > 0 ? ex.LineNumber : null, StopsFile: true);
    }
}
