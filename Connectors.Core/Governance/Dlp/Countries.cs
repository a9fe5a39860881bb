namespace Connectors.Governance.Dlp;

/// <summary>Country facts the bank identifier types need.</summary>
internal static class Countries
{
    /// <summary>ISO 3166-1 alpha-2 codes, plus XK (Kosovo), which SWIFT and the IBAN registry use.</summary>
    private const string Iso3166Alpha2 =
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
        "BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
        "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
        "DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
        "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU " +
        "ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ " +
        "LA LB LC LI LK LR LS LT LU LV LY " +
        "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
        "NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA " +
        "RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
        "TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ " +
        "VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";

    /// <summary>IBAN length (all characters, no spaces) per country, from the SWIFT IBAN registry.</summary>
    private static readonly (string Country, int Length)[] IbanLengthTable =
    [
        ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16), ("BG", 22),
        ("BH", 22), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22), ("CY", 28), ("CZ", 24), ("DE", 22),
        ("DK", 18), ("DO", 28), ("EE", 20), ("EG", 29), ("ES", 24), ("FI", 18), ("FO", 18), ("FR", 27),
        ("GB", 22), ("GE", 22), ("GI", 23), ("GL", 18), ("GR", 27), ("GT", 28), ("HR", 21), ("HU", 28),
        ("IE", 22), ("IL", 23), ("IQ", 23), ("IS", 26), ("IT", 27), ("JO", 30), ("KW", 30), ("KZ", 20),
        ("LB", 28), ("LC", 32), ("LI", 21), ("LT", 20), ("LU", 20), ("LV", 21), ("MC", 27), ("MD", 24),
        ("ME", 22), ("MK", 19), ("MR", 27), ("MT", 31), ("MU", 30), ("NL", 18), ("NO", 15), ("PK", 24),
        ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22), ("SA", 24), ("SC", 31),
        ("SE", 24), ("SI", 19), ("SK", 24), ("SM", 27), ("ST", 25), ("SV", 28), ("TL", 23), ("TN", 24),
        ("TR", 26), ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20),
    ];

    // Indexed by (first letter - 'A') * 26 + (second letter - 'A').
    private static readonly bool[] Known = BuildKnown();
    private static readonly byte[] IbanLengths = BuildIbanLengths();

    /// <summary>True when the two upper-case letters are an assigned country code.</summary>
    public static bool IsCountry(char first, char second) =>
        Index(first, second) is var i and >= 0 && Known[i];

    /// <summary>The IBAN length for the country (upper-case letters), or 0 when it has no IBANs.</summary>
    public static int IbanLength(char first, char second) =>
        Index(first, second) is var i and >= 0 ? IbanLengths[i] : 0;

    private static int Index(char first, char second) =>
        char.IsAsciiLetterUpper(first) && char.IsAsciiLetterUpper(second) ? ((first - 'A') * 26) + (second - 'A') : -1;

    private static bool[] BuildKnown()
    {
        var known = new bool[26 * 26];
        foreach (var code in Iso3166Alpha2.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            known[Index(code[0], code[1])] = true;
        }

        return known;
    }

    private static byte[] BuildIbanLengths()
    {
        var lengths = new byte[26 * 26];
        foreach (var (country, length) in IbanLengthTable)
        {
            lengths[Index(country[0], country[1])] = (byte)length;
        }

        return lengths;
    }
}
