using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Connectors.Sources.Files;

/// <summary>What <see cref="XmlRecordReader"/> looks for in a vendor file. Names match local names, ignoring case.</summary>
/// <param name="RecordName">The record element (one chat message), found at any depth, the root included.</param>
/// <param name="RootNames">Accepted root elements; empty accepts any root.</param>
/// <param name="ContextNames">
/// Simple values an enclosing element may carry for the records inside it, as an attribute or as a text-only
/// child that comes before the records (e.g. the room id of a <c>Conversation</c> wrapper).
/// </param>
/// <param name="IdNames">Attributes read off a record's start tag, so a record too large to load can still be named.</param>
/// <param name="MaxRecordCharacters">A larger record is skipped (streamed past, never held) and reported.</param>
internal sealed record XmlRecordLayout(
    string RecordName,
    IReadOnlyCollection<string> RootNames,
    IReadOnlyCollection<string> ContextNames,
    IReadOnlyCollection<string> IdNames,
    int MaxRecordCharacters = XmlRecordReader.DefaultMaxRecordCharacters);

/// <summary>What <see cref="XmlRecordReader"/> yields, in file order.</summary>
internal abstract record XmlRecordEntry;

/// <summary>One record, loaded on its own.</summary>
/// <param name="Element">The record element with its content (whitespace between elements dropped).</param>
/// <param name="Raw">UTF-8 of the element's outer XML: the record alone, none of the wrappers around it.</param>
/// <param name="Ordinal">1-based position of the record among the file's records.</param>
/// <param name="Line">The line of the record's start tag, when known.</param>
/// <param name="Context">Values of <see cref="XmlRecordLayout.ContextNames"/> the enclosing elements carry.</param>
internal sealed record XmlRecord(XElement Element, byte[] Raw, int Ordinal, int? Line, IReadOnlyDictionary<string, string> Context) : XmlRecordEntry;

/// <summary>A record larger than <see cref="XmlRecordLayout.MaxRecordCharacters"/>; reading went on after it.</summary>
internal sealed record XmlRecordTooLarge(int Ordinal, int? Line, string? Id) : XmlRecordEntry;

/// <summary>The file cannot be read any further (malformed, truncated, hostile, wrong root). Always the last entry.</summary>
/// <param name="WrongRoot">The XML is well-formed so far but its root is not one the layout accepts.</param>
internal sealed record XmlFileUnreadable(string Reason, int? Line, bool WrongRoot = false) : XmlRecordEntry;

/// <summary>
/// Streams the records of a vendor XML file one at a time through <see cref="SafeXml"/>: a 2 GB file is never
/// held, only the record being read (capped). Shared by the ICE and Refinitiv parsers; it belongs beside
/// <see cref="SafeXml"/> in <c>Sources/Files</c> once other vendors need it.
/// </summary>
internal static class XmlRecordReader
{
    /// <summary>16 Mi characters: far above any chat message, far below what would strain memory.</summary>
    public const int DefaultMaxRecordCharacters = 16 * 1024 * 1024;

    /// <summary>
    /// Yields the records of <paramref name="content"/>. Bad XML ends the sequence with one
    /// <see cref="XmlFileUnreadable"/>; nothing but cancellation is thrown.
    /// </summary>
    public static IEnumerable<XmlRecordEntry> Read(Stream content, XmlRecordLayout layout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(layout);
        using var walker = new Walker(content, layout);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            XmlRecordEntry? entry;
            try
            {
                entry = walker.Next(cancellationToken);
            }
            catch (XmlException ex)
            {
                entry = new XmlFileUnreadable(
                    $"The XML cannot be read past line {ex.LineNumber}, position {ex.LinePosition}: {ex.Message}",
                    ex.LineNumber > 0 ? ex.LineNumber : null);
            }
            catch (DecoderFallbackException ex)
            {
                entry = new XmlFileUnreadable($"The file is not valid in its declared encoding: {ex.Message}", walker.Line);
            }
            if (entry is null)
            {
                yield break;
            }
            yield return entry;
            if (entry is XmlFileUnreadable)
            {
                yield break;
            }
        }
    }

    /// <summary>The reading state of one file: where the reader is and the context values in scope.</summary>
    private sealed class Walker(Stream content, XmlRecordLayout layout) : IDisposable
    {
        private static readonly IReadOnlyDictionary<string, string> NoContext = new Dictionary<string, string>();
        private const int MaxContextCharacters = 1024;
        private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";

        private readonly List<(int OwnerDepth, string Name, string Value)> _context = [];
        private XmlReader? _reader;
        private IXmlLineInfo? _lineInfo;
        private bool _onUnreadNode;
        private int _ordinal;
        // A context element being read: its name, its depth and its text so far.
        private (string Name, int Depth, StringBuilder Text)? _contextElement;

        public int? Line => _lineInfo is { } info && info.HasLineInfo() && info.LineNumber > 0 ? info.LineNumber : null;

        /// <summary>The next record, an unreadable-file entry, or null at the end of the file.</summary>
        public XmlRecordEntry? Next(CancellationToken cancellationToken)
        {
            if (_reader is null)
            {
                _reader = SafeXml.CreateReader(content);
                _lineInfo = LineInfoOf(_reader);
                if (_reader.MoveToContent() != XmlNodeType.Element)
                {
                    return new XmlFileUnreadable("The file has no root element.", Line);
                }
                if (layout.RootNames.Count > 0 && !layout.RootNames.Any(Is))
                {
                    return new XmlFileUnreadable(
                        $"The root element is <{_reader.LocalName}>; expected <{string.Join("> or <", layout.RootNames)}>.", Line, WrongRoot: true);
                }
                _onUnreadNode = true;
            }
            var reader = _reader;
            while (_onUnreadNode || reader.Read())
            {
                _onUnreadNode = false;
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        cancellationToken.ThrowIfCancellationRequested();
                        if (Is(layout.RecordName))
                        {
                            return ReadRecord();
                        }
                        StartContainer();
                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA:
                        if (_contextElement is { } pending && reader.Depth == pending.Depth + 1 && pending.Text.Length < MaxContextCharacters)
                        {
                            pending.Text.Append(reader.Value);
                        }
                        break;
                    case XmlNodeType.EndElement:
                        EndContainer();
                        break;
                }
            }
            return null;
        }

        private bool Is(string name) => string.Equals(_reader!.LocalName, name, StringComparison.OrdinalIgnoreCase);

        /// <summary>Notes the context values an element that is not a record carries.</summary>
        private void StartContainer()
        {
            var reader = _reader!;
            if (_contextElement is { } pending && reader.Depth > pending.Depth)
            {
                // The context element has child elements: it is not a simple value.
                _contextElement = null;
            }
            if (reader.IsEmptyElement)
            {
                // Nothing inside it can use its values, and no end tag will come to drop them.
                return;
            }
            var depth = reader.Depth;
            if (reader.MoveToFirstAttribute())
            {
                do
                {
                    if (layout.ContextNames.Any(Is))
                    {
                        _context.Add((depth, reader.LocalName, reader.Value.Trim()));
                    }
                }
                while (reader.MoveToNextAttribute());
                reader.MoveToElement();
            }
            if (layout.ContextNames.Any(Is))
            {
                _contextElement = (reader.LocalName, depth, new StringBuilder());
            }
        }

        /// <summary>Keeps a finished context element's value for its parent and drops values going out of scope.</summary>
        private void EndContainer()
        {
            var depth = _reader!.Depth;
            if (_contextElement is { } pending && pending.Depth == depth)
            {
                _context.Add((depth - 1, pending.Name, pending.Text.ToString().Trim()));
                _contextElement = null;
            }
            _context.RemoveAll(c => c.OwnerDepth >= depth);
        }

        private IReadOnlyDictionary<string, string> ContextAt(int depth)
        {
            if (_context.Count == 0)
            {
                return NoContext;
            }
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            // Later entries belong to nearer enclosing elements: they win.
            foreach (var (ownerDepth, name, value) in _context)
            {
                if (ownerDepth < depth && value.Length > 0)
                {
                    values[name] = value;
                }
            }
            return values;
        }

        private XmlRecordEntry ReadRecord()
        {
            var reader = _reader!;
            var ordinal = ++_ordinal;
            var line = Line;
            var depth = reader.Depth;
            var id = IdAttribute();
            var context = ContextAt(depth);
            var element = Load(depth);
            if (element is null)
            {
                return new XmlRecordTooLarge(ordinal, line, id);
            }
            var raw = Encoding.UTF8.GetBytes(element.ToString(SaveOptions.DisableFormatting));
            return new XmlRecord(element, raw, ordinal, line, context);
        }

        private string? IdAttribute()
        {
            var reader = _reader!;
            string? id = null;
            if (reader.MoveToFirstAttribute())
            {
                do
                {
                    if (id is null && layout.IdNames.Any(Is) && !string.IsNullOrWhiteSpace(reader.Value))
                    {
                        id = reader.Value.Trim();
                    }
                }
                while (reader.MoveToNextAttribute());
                reader.MoveToElement();
            }
            return id;
        }

        /// <summary>
        /// Loads the element the reader is on, leaving the reader on its end. Returns null (having streamed past
        /// the rest) when it is larger than the layout allows.
        /// </summary>
        private XElement? Load(int depth)
        {
            var reader = _reader!;
            long budget = layout.MaxRecordCharacters;
            var root = StartElement(ref budget);
            if (reader.IsEmptyElement && budget >= 0)
            {
                return root;
            }
            var current = root;
            while (budget >= 0 && reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        var child = StartElement(ref budget);
                        current.Add(child);
                        if (!reader.IsEmptyElement)
                        {
                            current = child;
                        }
                        break;
                    case XmlNodeType.Text or XmlNodeType.SignificantWhitespace:
                        var text = reader.Value;
                        budget -= text.Length;
                        current.Add(new XText(text));
                        break;
                    case XmlNodeType.CDATA:
                        var data = reader.Value;
                        budget -= data.Length;
                        current.Add(new XCData(data));
                        break;
                    case XmlNodeType.EndElement:
                        if (reader.Depth == depth)
                        {
                            return root;
                        }
                        current = current.Parent!;
                        break;
                }
            }
            if (budget >= 0)
            {
                throw new XmlException("The file ends inside a record.");
            }
            SkipToEndOf(depth);
            return null;
        }

        private XElement StartElement(ref long budget)
        {
            var reader = _reader!;
            var element = new XElement(XName.Get(reader.LocalName, reader.NamespaceURI));
            budget -= reader.LocalName.Length;
            if (reader.MoveToFirstAttribute())
            {
                do
                {
                    var value = reader.Value;
                    budget -= reader.LocalName.Length + value.Length;
                    if (reader.NamespaceURI != XmlnsNamespace)
                    {
                        element.Add(new XAttribute(XName.Get(reader.LocalName, reader.NamespaceURI), value));
                    }
                    else if (reader.Prefix.Length == 0)
                    {
                        element.Add(new XAttribute("xmlns", value));
                    }
                    else if (reader.LocalName is not ("xml" or "xmlns"))
                    {
                        element.Add(new XAttribute(XNamespace.Xmlns + reader.LocalName, value));
                    }
                }
                while (reader.MoveToNextAttribute());
                reader.MoveToElement();
            }
            return element;
        }

        /// <summary>Reads on to the end of the record at <paramref name="depth"/> without keeping anything.</summary>
        private void SkipToEndOf(int depth)
        {
            var reader = _reader!;
            if (reader.Depth == depth && (reader.NodeType == XmlNodeType.EndElement || reader.IsEmptyElement))
            {
                return;
            }
            while (reader.Read())
            {
                if (reader.Depth == depth && reader.NodeType == XmlNodeType.EndElement)
                {
                    return;
                }
            }
        }

        /// <summary>Line numbers for failures (SafeXml's reader reports them).</summary>
        private static IXmlLineInfo? LineInfoOf(XmlReader reader) => reader as IXmlLineInfo;

        public void Dispose() => _reader?.Dispose();
    }
}
