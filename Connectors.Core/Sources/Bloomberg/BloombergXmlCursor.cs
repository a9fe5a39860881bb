using System.Xml;
using System.Xml.Linq;
using Connectors.Sources.Files;

namespace Connectors.Sources.Bloomberg;

/// <summary>One element read whole, or (when <see cref="Element"/> is null) one that was too large and was skipped.</summary>
internal readonly record struct ElementRead(string Name, XElement? Element)
{
    public bool TooLarge => Element is null;
}

/// <summary>
/// Walks a delivered XML file forward through <see cref="SafeXml.CreateReader"/>, materialising at most one
/// element at a time, and never more than <c>maxElementBytes</c> of it. Every read goes through here so the
/// byte ceiling is in force whenever the XML reader may buffer a node.
/// </summary>
internal sealed class BloombergXmlCursor : IDisposable
{
    /// <summary>Room for the XML reader's read-ahead on top of an element's budget.</summary>
    private const long Slack = 1024 * 1024;

    private readonly GuardedStream _stream;
    private readonly long _maxElementBytes;
    private long _reads;

    public BloombergXmlCursor(Stream content, long maxElementBytes)
    {
        _maxElementBytes = maxElementBytes;
        _stream = new GuardedStream(content) { Ceiling = maxElementBytes + Slack };
        Reader = SafeXml.CreateReader(_stream);
    }

    public XmlReader Reader { get; }

    private long NodeLimit => _maxElementBytes + Slack;

    /// <summary>Moves to the document's root element; throws <see cref="XmlException"/> when there is none.</summary>
    public string MoveToRoot()
    {
        while (Reader.NodeType != XmlNodeType.Element)
        {
            if (!Read())
            {
                throw new XmlException("The document has no root element.");
            }
        }
        return Reader.LocalName;
    }

    /// <summary>
    /// Reads the next node. Skipping past a text value is streamed by the XML reader, so only then is the
    /// ceiling lifted; any other node must fit in the element budget.
    /// </summary>
    public bool Read()
    {
        _reads++;
        var skipsText = Reader.NodeType is XmlNodeType.Text or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace;
        _stream.Ceiling = skipsText ? null : _stream.BytesRead + NodeLimit;
        return Reader.Read();
    }

    /// <summary>Reads past the end of the document, so trailing garbage (a second root…) is reported.</summary>
    public void ReadToEnd()
    {
        while (Read())
        {
        }
    }

    /// <summary>Moves past the current node and, for an element, everything in it — streamed, nothing kept.</summary>
    public void Skip()
    {
        if (Reader.NodeType != XmlNodeType.Element || Reader.IsEmptyElement)
        {
            Read();
            return;
        }
        SkipToEndOf(Reader.Depth);
    }

    /// <summary>
    /// Yields the local name of each child element of the element the reader is on, positioned on it. The
    /// caller reads the child (<see cref="ReadElement"/>, a nested walk); a child left unread is skipped.
    /// Ends positioned after the parent's end tag. Cancellation is honoured between children.
    /// </summary>
    public IEnumerable<string> ChildElements(CancellationToken cancellationToken)
    {
        var depth = Reader.Depth;
        if (Reader.IsEmptyElement)
        {
            Read();
            yield break;
        }
        Read();
        while (!Reader.EOF)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Reader.NodeType == XmlNodeType.EndElement && Reader.Depth == depth)
            {
                Read();
                yield break;
            }
            if (Reader.NodeType != XmlNodeType.Element)
            {
                Read();
                continue;
            }
            var before = _reads;
            yield return Reader.LocalName;
            if (_reads == before)
            {
                Skip();
            }
        }
    }

    /// <summary>
    /// Reads the element the reader is on into an <see cref="XElement"/> and moves past it. An element whose
    /// raw XML exceeds the budget is skipped (streamed) and returned without content.
    /// </summary>
    public ElementRead ReadElement()
    {
        var name = Reader.LocalName;
        var depth = Reader.Depth;
        var start = _stream.BytesRead;
        var root = StartElement();
        if (Reader.IsEmptyElement)
        {
            Read();
            return new ElementRead(name, root);
        }
        var current = root;
        while (Read())
        {
            if (_stream.BytesRead - start > _maxElementBytes)
            {
                SkipToEndOf(depth);
                return new ElementRead(name, null);
            }
            switch (Reader.NodeType)
            {
                case XmlNodeType.Element:
                    var child = StartElement();
                    current.Add(child);
                    if (!Reader.IsEmptyElement)
                    {
                        current = child;
                    }
                    break;
                case XmlNodeType.Text or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    current.Add(new XText(Value(start)));
                    break;
                case XmlNodeType.CDATA:
                    current.Add(new XCData(Value(start)));
                    break;
                case XmlNodeType.EndElement when Reader.Depth == depth:
                    Read();
                    return new ElementRead(name, root);
                case XmlNodeType.EndElement:
                    current = current.Parent ?? root;
                    break;
            }
        }
        throw new XmlException($"The file ends inside <{name}>.");
    }

    public void Dispose() => Reader.Dispose();

    /// <summary>A text value, which the XML reader may still have to read in full: it must fit the element's budget.</summary>
    private string Value(long elementStart)
    {
        _stream.Ceiling = elementStart + NodeLimit;
        return Reader.Value;
    }

    private void SkipToEndOf(int depth)
    {
        while (!(Reader.NodeType == XmlNodeType.EndElement && Reader.Depth == depth))
        {
            if (!Read())
            {
                return;
            }
        }
        Read();
    }

    private XElement StartElement()
    {
        var element = new XElement(XName.Get(Reader.LocalName, Reader.NamespaceURI));
        if (Reader.MoveToFirstAttribute())
        {
            do
            {
                element.Add(new XAttribute(AttributeName(), Reader.Value));
            }
            while (Reader.MoveToNextAttribute());
            Reader.MoveToElement();
        }
        return element;
    }

    private XName AttributeName()
    {
        if (Reader.NamespaceURI == XNamespace.Xmlns.NamespaceName)
        {
            return Reader.Prefix.Length == 0 ? XName.Get("xmlns") : XNamespace.Xmlns + Reader.LocalName;
        }
        return XName.Get(Reader.LocalName, Reader.NamespaceURI);
    }
}
