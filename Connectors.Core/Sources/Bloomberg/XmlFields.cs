using System.Xml.Linq;

namespace Connectors.Sources.Bloomberg;

/// <summary>
/// Tolerant lookups in one materialised element: child names match by local name ignoring case and
/// namespace, several spellings may be given (first found wins), missing children are simply null.
/// </summary>
internal static class XmlFields
{
    /// <summary>The first child element named any of <paramref name="names"/>, in the order the names are given.</summary>
    public static XElement? Child(XElement parent, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            foreach (var child in parent.Elements())
            {
                if (string.Equals(child.Name.LocalName, name, StringComparison.OrdinalIgnoreCase))
                {
                    return child;
                }
            }
        }
        return null;
    }

    /// <summary>All child elements named <paramref name="name"/>.</summary>
    public static IEnumerable<XElement> Children(XElement parent, string name) =>
        parent.Elements().Where(e => string.Equals(e.Name.LocalName, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>A child's text trimmed; null when the child is missing or blank.</summary>
    public static string? Text(XElement parent, params ReadOnlySpan<string> names) => Trimmed(Child(parent, names)?.Value);

    /// <summary>A child's text exactly as delivered (message content); null when the child is missing.</summary>
    public static string? Content(XElement parent, params ReadOnlySpan<string> names) => Child(parent, names)?.Value;

    /// <summary>An attribute's value trimmed (name ignoring case); null when missing or blank.</summary>
    public static string? Attribute(XElement element, string name) =>
        Trimmed(element.Attributes().FirstOrDefault(a => string.Equals(a.Name.LocalName, name, StringComparison.OrdinalIgnoreCase))?.Value);

    /// <summary>A child's text as a whole number, when it is one.</summary>
    public static long? Number(XElement parent, params ReadOnlySpan<string> names) =>
        long.TryParse(Text(parent, names), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
