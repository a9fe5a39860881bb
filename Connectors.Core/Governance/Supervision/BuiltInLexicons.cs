namespace Connectors.Governance.Supervision;

/// <summary>
/// Ready-made lexicons for FINRA Rule 3110 style supervision that an administrator can start from and
/// then tune. They aim at phrases a reviewer would want to read, not at every possible wording, and they
/// avoid words traders use innocently all day (a bare "signal", "my cell" or "burner" would flood the queue).
/// </summary>
public static class BuiltInLexicons
{
    /// <summary>Promises of returns or of no risk.</summary>
    public static Lexicon Guarantees { get; } = Lexicon.Of("Guarantees and assurances",
        "guarantee*",
        "guaranteed return*",
        "assured return*",
        "can't lose",
        "cant lose",
        "cannot lose",
        "risk-free",
        "riskless",
        "no risk",
        "zero risk",
        "no downside",
        "100% safe",
        "sure thing",
        "sure bet",
        "safe bet",
        "promise you",
        "double your money",
        "easy money",
        "free money");

    /// <summary>Moving a conversation to channels the firm does not capture.</summary>
    public static Lexicon OffChannel { get; } = Lexicon.Of("Off-channel communication",
        "whatsapp",
        "whats app",
        "on signal",
        "signal app",
        "telegram",
        "wechat",
        "imessage",
        "viber",
        "text me",
        "personal email",
        "personal phone",
        "personal cell",
        "call my cell",
        "text my cell",
        "my other phone",
        "burner phone",
        "gmail",
        "hotmail",
        "take this offline",
        "talk offline");

    /// <summary>Destroying records or keeping a conversation out of them.</summary>
    public static Lexicon EvidenceDestruction { get; } = Lexicon.Of("Evidence destruction and concealment",
        "delete this",
        "delete the chat",
        "delete the thread",
        "delete the message*",
        "delete after reading",
        "burn after reading",
        "shred*",
        "wipe",
        "erase this",
        "don't put this in writing",
        "dont put this in writing",
        "don't write this down",
        "keep this between us",
        "between you and me",
        "keep this quiet",
        "off the record",
        "don't tell compliance",
        "don't forward this",
        "no paper trail",
        "cover our tracks",
        "cover your tracks");

    /// <summary>All built-in lexicons.</summary>
    public static IReadOnlyList<Lexicon> All { get; } = [Guarantees, OffChannel, EvidenceDestruction];
}
