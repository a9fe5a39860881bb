using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Connectors.Governance.Supervision;

/// <summary>
/// Decides which items a policy with a sampling percentage sends for review. The decision is a hash of
/// the policy id and the item key, so it never changes when a policy is evaluated again, differs between
/// policies, and is the same on every machine and .NET version (SHA-256, not <c>string.GetHashCode</c>).
/// </summary>
public static class Sampling
{
    /// <summary>
    /// Whether the item is in the sample: always at 100, never at 0, and for about
    /// <paramref name="percentage"/> percent of items in between.
    /// </summary>
    public static bool Includes(Guid policyId, string itemKey, int percentage)
    {
        ArgumentNullException.ThrowIfNull(itemKey);
        ArgumentOutOfRangeException.ThrowIfNegative(percentage);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentage, 100);
        return percentage switch
        {
            0 => false,
            100 => true,
            _ => Bucket(policyId, itemKey) < (ulong)percentage,
        };
    }

    /// <summary>
    /// The item's bucket, 0 to 99: SHA-256 of the UTF-8 text "{policy id}:{item key}" (id in the
    /// lower-case 8-4-4-4-12 form), first eight bytes read big-endian, modulo 100.
    /// </summary>
    internal static ulong Bucket(Guid policyId, string itemKey)
    {
        var input = $"{policyId:D}:{itemKey}";
        var length = Encoding.UTF8.GetByteCount(input);
        var bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(input, bytes);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash) % 100;
    }
}
