using System.Xml;

namespace Connectors.Sources.Files;

/// <summary>
/// Delivered XML is untrusted: no DTD (so no entity expansion, no billion laughs), no external resolution
/// (no XXE), and limits on size and depth. Every vendor parser reads through <see cref="CreateReader"/>; the
/// reader it returns reports line numbers (<see cref="IXmlLineInfo"/>) for failure messages.
/// </summary>
public static class SafeXml
{
    /// <summary>Deeper than any vendor layout nests; a deeper document is hostile or broken.</summary>
    public const int MaxDepth = 64;

    public static XmlReaderSettings Settings(long maxCharacters = 0) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        // 0 means unlimited: a 2 GB delivered file is legitimate. Callers reading one element pass a limit.
        MaxCharactersInDocument = maxCharacters,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = false,
        Async = false,
    };

    public static XmlReader CreateReader(Stream stream, long maxCharacters = 0) =>
        new DepthLimitedReader(XmlReader.Create(stream, Settings(maxCharacters)));

    /// <summary>Fails when elements nest deeper than <see cref="MaxDepth"/>.</summary>
    private sealed class DepthLimitedReader(XmlReader inner) : XmlReader, IXmlLineInfo
    {
        public bool HasLineInfo() => inner is IXmlLineInfo info && info.HasLineInfo();
        public int LineNumber => (inner as IXmlLineInfo)?.LineNumber ?? 0;
        public int LinePosition => (inner as IXmlLineInfo)?.LinePosition ?? 0;
        public override bool CanReadValueChunk => inner.CanReadValueChunk;
        public override int ReadValueChunk(char[] buffer, int index, int count) => inner.ReadValueChunk(buffer, index, count);

        public override bool Read()
        {
            var read = inner.Read();
            if (read && inner.Depth > MaxDepth)
            {
                throw new XmlException($"Elements nest deeper than {MaxDepth} levels.", null,
                    (inner as IXmlLineInfo)?.LineNumber ?? 0, (inner as IXmlLineInfo)?.LinePosition ?? 0);
            }
            return read;
        }

        public override XmlNodeType NodeType => inner.NodeType;
        public override string LocalName => inner.LocalName;
        public override string NamespaceURI => inner.NamespaceURI;
        public override string Prefix => inner.Prefix;
        public override string Value => inner.Value;
        public override int Depth => inner.Depth;
        public override string BaseURI => inner.BaseURI;
        public override bool IsEmptyElement => inner.IsEmptyElement;
        public override int AttributeCount => inner.AttributeCount;
        public override bool EOF => inner.EOF;
        public override ReadState ReadState => inner.ReadState;
        public override XmlNameTable NameTable => inner.NameTable;
        public override string? GetAttribute(string name) => inner.GetAttribute(name);
        public override string? GetAttribute(string name, string? namespaceURI) => inner.GetAttribute(name, namespaceURI);
        public override string GetAttribute(int i) => inner.GetAttribute(i);
        public override string? LookupNamespace(string prefix) => inner.LookupNamespace(prefix);
        public override bool MoveToAttribute(string name) => inner.MoveToAttribute(name);
        public override bool MoveToAttribute(string name, string? ns) => inner.MoveToAttribute(name, ns);
        public override bool MoveToElement() => inner.MoveToElement();
        public override bool MoveToFirstAttribute() => inner.MoveToFirstAttribute();
        public override bool MoveToNextAttribute() => inner.MoveToNextAttribute();
        public override bool ReadAttributeValue() => inner.ReadAttributeValue();
        public override void ResolveEntity() => inner.ResolveEntity();
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
