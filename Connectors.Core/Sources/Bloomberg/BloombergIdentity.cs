using System.Xml.Linq;
using Connectors.Archive;

namespace Connectors.Sources.Bloomberg;

/// <summary>
/// Turns a Bloomberg <c>User</c> / <c>UserInfo</c> element into a <see cref="SourceIdentity"/>: the UUID (else
/// the login) identifies the person; the mapping properties (<c>CorporateEmailAddress</c> first) are kept
/// when present. External users often have no corporate address: they stay participants all the same.
/// </summary>
internal static class BloombergIdentity
{
    /// <summary>Stands in for the sender of events no person sent (system messages).</summary>
    public static readonly SourceIdentity System = new("bloomberg:system", "Bloomberg");

    /// <summary>The person element inside a wrapper (<c>Sender</c>, <c>Recipient</c>, <c>Inviter</c>…), or the wrapper itself.</summary>
    public static XElement PersonIn(XElement wrapper) => XmlFields.Child(wrapper, "UserInfo", "User") ?? wrapper;

    public static SourceIdentity From(XElement user, params ReadOnlySpan<(string Name, string? Value)> extra)
    {
        var uuid = XmlFields.Text(user, "UUID", "UserUUID");
        var login = XmlFields.Text(user, "LoginName", "Login");
        var email = XmlFields.Text(user, "EmailAddress", "Email");
        var corporate = XmlFields.Text(user, "CorporateEmailAddress", "CorporateEmail");
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Add(properties, "CorporateEmailAddress", corporate);
        Add(properties, "LoginName", login);
        Add(properties, "UUID", uuid);
        Add(properties, "FirmNumber", XmlFields.Text(user, "FirmNumber", "FirmNum"));
        Add(properties, "AccountNumber", XmlFields.Text(user, "AccountNumber", "AccountNum"));
        Add(properties, "CompanyName", XmlFields.Text(user, "CompanyName", "Company"));
        foreach (var (key, value) in extra)
        {
            Add(properties, key, value);
        }
        var name = string.Join(' ', new[] { XmlFields.Text(user, "FirstName"), XmlFields.Text(user, "LastName") }.Where(n => n is not null));
        var id = uuid ?? login ?? corporate ?? email ?? (name.Length > 0 ? name : "unknown");
        return new SourceIdentity(id, name.Length > 0 ? name : login, email, properties);
    }

    /// <summary>How an identity reads in a description ("Jane Doe entered the conversation").</summary>
    public static string Describe(SourceIdentity identity) => identity.DisplayName ?? identity.SourceId;

    /// <summary>Whether two identities are the same person.</summary>
    public static bool Same(SourceIdentity a, SourceIdentity b) =>
        string.Equals(a.SourceId, b.SourceId, StringComparison.OrdinalIgnoreCase);

    private static void Add(Dictionary<string, string> properties, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            properties[name] = value;
        }
    }
}
