namespace Connectors.Governance.Dlp;

/// <summary>The sensitive information types that ship with the product.</summary>
public static class BuiltInSensitiveInfoTypes
{
    /// <summary>Payment card numbers: Luhn-valid with a known issuer prefix. Medium, High with a keyword.</summary>
    public static SensitiveInfoType CreditCard { get; } = new(
        "credit-card",
        "Credit card number",
        PaymentCards.Find,
        PaymentCards.Validate,
        [
            "card", "cards", "card number", "card no", "credit", "debit", "visa", "mastercard", "master card",
            "amex", "american express", "discover", "diners", "jcb", "unionpay", "maestro", "cardholder",
            "card holder", "cvv", "cvv2", "cvc", "cvc2", "security code", "expiry", "expiration", "exp date",
            "expires", "valid thru", "pan",
        ],
        DlpConfidence.Medium,
        DlpConfidence.High);

    /// <summary>
    /// US Social Security numbers, never-issued ranges excluded. Formatted: Medium, High with a keyword.
    /// Bare 9 digits: Low, Medium with a keyword.
    /// </summary>
    public static SensitiveInfoType UsSsn { get; } = new(
        "us-ssn",
        "U.S. Social Security number",
        NationalIds.FindSsns,
        NationalIds.ValidateSsn,
        [
            "ssn", "ssns", "ssn#", "social security", "social security number", "social security no", "soc sec",
            "ss#", "ssid",
        ],
        DlpConfidence.Medium,
        DlpConfidence.High);

    /// <summary>International bank account numbers, country length and mod-97 checked. Medium, High with a keyword.</summary>
    public static SensitiveInfoType Iban { get; } = new(
        "iban",
        "International bank account number (IBAN)",
        BankIdentifiers.FindIbans,
        BankIdentifiers.ValidateIban,
        [
            "iban", "international bank account", "bank account", "account number", "account no", "sepa", "bic",
            "swift", "wire transfer", "beneficiary",
        ],
        DlpConfidence.Medium,
        DlpConfidence.High);

    /// <summary>US ABA routing numbers, prefix and checksum checked. Low, Medium with a keyword.</summary>
    public static SensitiveInfoType AbaRouting { get; } = new(
        "aba-routing",
        "ABA routing number",
        BankIdentifiers.FindAbaRoutingNumbers,
        BankIdentifiers.ValidateAbaRoutingNumber,
        [
            "aba", "aba number", "aba routing", "abartn", "routing", "routing number", "routing no",
            "routing transit", "rtn", "transit number", "bank routing", "ach", "wire",
        ],
        DlpConfidence.Low,
        DlpConfidence.Medium);

    /// <summary>SWIFT/BIC codes: upper case, valid country. Low (they look like ordinary words), Medium with a keyword.</summary>
    public static SensitiveInfoType SwiftBic { get; } = new(
        "swift-bic",
        "SWIFT/BIC code",
        BankIdentifiers.FindBics,
        BankIdentifiers.ValidateBic,
        [
            "swift", "swift code", "bic", "bic code", "bank identifier code", "iban", "wire", "wire transfer",
            "beneficiary bank", "correspondent bank", "intermediary bank",
        ],
        DlpConfidence.Low,
        DlpConfidence.Medium);

    /// <summary>
    /// UK National Insurance numbers, HMRC prefix rules checked. With suffix: Medium, High with a keyword.
    /// Without suffix: Low, Medium with a keyword.
    /// </summary>
    public static SensitiveInfoType UkNino { get; } = new(
        "uk-nino",
        "U.K. National Insurance number",
        NationalIds.FindNinos,
        NationalIds.ValidateNino,
        [
            "national insurance", "national insurance number", "national insurance no", "nino", "ni number",
            "ni no", "nat ins", "insurance number",
        ],
        DlpConfidence.Medium,
        DlpConfidence.High);

    /// <summary>Email addresses. Medium.</summary>
    public static SensitiveInfoType Email { get; } = new(
        "email",
        "Email address",
        ContactDetails.FindEmails,
        ContactDetails.ValidateEmail,
        keywords: null,
        DlpConfidence.Medium,
        DlpConfidence.Medium);

    /// <summary>Phone numbers (international, North American, UK mobile). Low, Medium with a keyword.</summary>
    public static SensitiveInfoType Phone { get; } = new(
        "phone",
        "Phone number",
        ContactDetails.FindPhoneNumbers,
        ContactDetails.ValidatePhoneNumber,
        [
            "phone", "phones", "phone number", "telephone", "tel", "call", "mobile", "cell", "cellphone", "mob",
            "fax", "whatsapp", "contact number",
        ],
        DlpConfidence.Low,
        DlpConfidence.Medium);

    /// <summary>Every built-in type.</summary>
    public static IReadOnlyList<SensitiveInfoType> All { get; } =
        [CreditCard, UsSsn, Iban, AbaRouting, SwiftBic, UkNino, Email, Phone];

    /// <summary>The built-in type with the given id (case-insensitive), or null.</summary>
    public static SensitiveInfoType? Find(string id) =>
        All.FirstOrDefault(type => string.Equals(type.Id, id, StringComparison.OrdinalIgnoreCase));
}
