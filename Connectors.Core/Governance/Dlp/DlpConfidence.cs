namespace Connectors.Governance.Dlp;

/// <summary>
/// How sure the scanner is that a match really is the sensitive information it looks like. The numbers are the
/// ones Microsoft Purview uses, so policies written against Purview translate directly.
/// </summary>
public enum DlpConfidence
{
    /// <summary>The shape and checksum fit, but values like it are common (for example any 9-digit number).</summary>
    Low = 65,

    /// <summary>A validated match that is unlikely to be a coincidence.</summary>
    Medium = 75,

    /// <summary>A validated match with supporting evidence such as a keyword nearby.</summary>
    High = 85,
}
