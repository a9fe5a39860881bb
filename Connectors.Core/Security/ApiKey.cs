using System.Security.Cryptography;
using System.Text;

namespace Connectors.Security;

/// <summary>A named API key. Only its SHA-256 is stored; the key itself is shown once when issued.</summary>
public sealed class ApiKey
{
    public const string Prefix = "ck_";

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public Role Role { get; set; }
    /// <summary>The first characters of the key, so a person can tell keys apart without the secret.</summary>
    public required string KeyHint { get; set; }
    public required byte[] KeyHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;

    /// <summary>Keys carry 256 random bits, so a fast hash is enough (no dictionary to attack).</summary>
    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static string Generate() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
