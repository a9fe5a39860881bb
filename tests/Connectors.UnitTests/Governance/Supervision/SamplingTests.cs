using Connectors.Governance.Supervision;

namespace Connectors.Tests.Governance.Supervision;

public sealed class SamplingTests
{
    private static readonly Guid Policy = Guid.Parse("6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b");

    private static IEnumerable<string> Keys(int count) => Enumerable.Range(0, count).Select(i => $"slack:T0123:C0456/{i}");

    [Theory]
    [InlineData(10)]
    [InlineData(25)]
    [InlineData(50)]
    [InlineData(90)]
    public void AboutThePercentageOfItemsIsIncluded(int percentage)
    {
        var included = Keys(10_000).Count(k => Sampling.Includes(Policy, k, percentage));

        // Binomial standard deviation at 10,000 keys is at most 50 items (0.5%); allow four of them.
        Assert.InRange(included, percentage * 100 - 200, percentage * 100 + 200);
    }

    [Fact]
    public void HundredIncludesEverythingAndZeroNothing()
    {
        Assert.All(Keys(1000), k => Assert.True(Sampling.Includes(Policy, k, 100)));
        Assert.All(Keys(1000), k => Assert.False(Sampling.Includes(Policy, k, 0)));
    }

    [Fact]
    public void TheSameItemIsAlwaysInOrOutForThePolicy()
    {
        var first = Keys(2000).Select(k => Sampling.Includes(Policy, k, 10)).ToArray();
        var again = Keys(2000).Select(k => Sampling.Includes(Policy, new string(k.ToCharArray()), 10)).ToArray();

        Assert.Equal(first, again);
    }

    [Fact]
    public void ARaisedPercentageKeepsEverythingItIncludedBefore() =>
        Assert.All(Keys(2000).Where(k => Sampling.Includes(Policy, k, 10)), k => Assert.True(Sampling.Includes(Policy, k, 20)));

    [Fact]
    public void DifferentPoliciesSampleDifferentItems()
    {
        var other = Guid.Parse("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");

        var mine = Keys(10_000).Where(k => Sampling.Includes(Policy, k, 10)).ToHashSet();
        var theirs = Keys(10_000).Where(k => Sampling.Includes(other, k, 10)).ToHashSet();

        // Independent 10% samples share about 1% of the keys, not 10%.
        Assert.InRange(mine.Intersect(theirs).Count(), 50, 200);
    }

    [Fact]
    public void TheDecisionIsFixedByTheDocumentedHashNotByTheRuntime()
    {
        // SHA-256("6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b:item-1"), first 8 bytes big-endian, modulo 100.
        var hash = System.Security.Cryptography.SHA256.HashData("6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b:item-1"u8);
        var bucket = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash) % 100;

        Assert.Equal(bucket, Sampling.Bucket(Policy, "item-1"));
        Assert.True(Sampling.Includes(Policy, "item-1", (int)bucket + 1));
        Assert.False(Sampling.Includes(Policy, "item-1", (int)bucket));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void PercentagesOutsideZeroToHundredAreRejected(int percentage) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Sampling.Includes(Policy, "k", percentage));

    [Fact]
    public void LongItemKeysAreSampledToo()
    {
        var longKeys = Keys(2000).Select(k => k + new string('é', 600)).ToArray();

        Assert.InRange(longKeys.Count(k => Sampling.Includes(Policy, k, 50)), 850, 1150);
    }
}
