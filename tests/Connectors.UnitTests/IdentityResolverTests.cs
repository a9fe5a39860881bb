using Connectors.Archive;
using Connectors.Mapping;

namespace Connectors.Tests;

public sealed class IdentityResolverTests
{
    private static readonly Guid Alice = Guid.NewGuid();
    private static readonly Guid Bob = Guid.NewGuid();
    private static readonly Guid Archive = Guid.NewGuid();
    private static readonly Dictionary<string, Guid> Directory = new()
    {
        ["alice@contoso.com"] = Alice,
        ["bob@contoso.com"] = Bob,
        ["archive@contoso.com"] = Archive,
    };

    private static readonly DateTimeOffset June = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static IdentityResolver Resolver(MappingSettings? settings = null, params IdentityMapping[] custom) =>
        IdentityResolver.Create(settings ?? MappingSettings.Default, Directory, custom);

    private static IdentityMapping Custom(string sourceId, Guid account, DateTimeOffset? from = null, DateTimeOffset? to = null) =>
        new() { SourceId = sourceId, AccountId = account, ValidFrom = from, ValidTo = to, CreatedBy = "test" };

    private static SourceItem Item(DateTimeOffset sent, SourceIdentity from, params SourceIdentity[] to) => new()
    {
        SourceAccount = "T1", SourceId = Guid.NewGuid().ToString(), Sender = from, Recipients = to, SentAt = sent, Raw = new byte[] { 1 },
    };

    [Fact]
    public void ASocialConnectorsItemsGoToItsStorageMailboxWhoeverWroteThemAndNobodyIsListedUnmapped()
    {
        var social = Resolver(new MappingSettings(StorageMailbox: "Archive@Contoso.com"));
        var missing = Resolver(new MappingSettings(StorageMailbox: "nobody@contoso.com"));
        var post = Item(June, new SourceIdentity("x:123", "A stranger"), new SourceIdentity("U1", Email: "alice@contoso.com"));

        var resolution = social.Resolve(post);
        Assert.Equal([Archive], resolution.Mailboxes);
        Assert.Equal(ResolutionOutcome.Placed, resolution.Outcome);
        Assert.Empty(resolution.Unmapped);
        // A storage mailbox not in the directory keeps the item in quarantine rather than losing it.
        Assert.Equal(ResolutionOutcome.Quarantined, missing.Resolve(post).Outcome);
    }

    [Fact]
    public void AutomaticMappingMatchesTheChosenPropertyWhateverItsCase()
    {
        var byCorporateEmail = Resolver(new MappingSettings(AutoMapBy: "CorporateEmailAddress"));
        var person = new SourceIdentity("U1", Email: "private@example.net",
            Properties: new Dictionary<string, string> { ["CorporateEmailAddress"] = " Alice@Contoso.com " });

        Assert.Equal(Alice, byCorporateEmail.Map(person, June));
        Assert.Null(Resolver().Map(person, June)); // by email, the private address maps to nobody
    }

    [Fact]
    public void ACustomMappingWinsOverAutomaticMappingOnlyWithinItsValidity()
    {
        var resolver = Resolver(custom: Custom("U1", Bob, from: June, to: June.AddMonths(1)));
        var person = new SourceIdentity("u1", Email: "alice@contoso.com"); // source ids compare without case

        Assert.Equal(Alice, resolver.Map(person, June.AddDays(-1)));
        Assert.Equal(Bob, resolver.Map(person, June));
        Assert.Equal(Alice, resolver.Map(person, June.AddMonths(1))); // the end is exclusive
    }

    [Fact]
    public void AnItemGoesToEveryMappedParticipantOnceAndListsTheOthers()
    {
        var resolution = Resolver().Resolve(Item(June, new("U1", Email: "alice@contoso.com"),
            new("U2", Email: "bob@contoso.com"), new("U3", Email: "alice@contoso.com"), new("EXT", Email: "someone@example.net")));

        Assert.Equal(ResolutionOutcome.Placed, resolution.Outcome);
        Assert.Equal([Alice, Bob], resolution.Mailboxes);
        Assert.Equal("EXT", Assert.Single(resolution.Unmapped).SourceId);
    }

    [Theory]
    [InlineData(UnmappedPolicy.Quarantine, ResolutionOutcome.Quarantined, false)]
    [InlineData(UnmappedPolicy.CatchAll, ResolutionOutcome.Placed, true)]
    [InlineData(UnmappedPolicy.Drop, ResolutionOutcome.Excluded, false)]
    public void TheUnmappedPolicyDecidesWhereAnItemNobodyMapsForGoes(UnmappedPolicy policy, ResolutionOutcome outcome, bool toCatchAll)
    {
        var resolver = Resolver(new MappingSettings(Unmapped: policy, CatchAllAccount: "archive@contoso.com"));

        var resolution = resolver.Resolve(Item(June, new("X1"), new SourceIdentity("X2")));

        Assert.Equal(outcome, resolution.Outcome);
        Assert.Equal(toCatchAll ? [Archive] : [], resolution.Mailboxes);
        Assert.Equal(2, resolution.Unmapped.Count);
    }

    [Fact]
    public void ACatchAllThatIsNotInTheDirectoryQuarantinesRatherThanLoses()
    {
        var resolver = Resolver(new MappingSettings(Unmapped: UnmappedPolicy.CatchAll, CatchAllAccount: "gone@contoso.com"));

        Assert.Equal(ResolutionOutcome.Quarantined, resolver.Resolve(Item(June, new SourceIdentity("X1"))).Outcome);
    }

    [Fact]
    public void AListedScopeKeepsOnlyListedMailboxesAndExcludesItemsOfOthers()
    {
        var resolver = Resolver(new MappingSettings(Scope: ScopeMode.Listed, ScopeAccounts: ["ALICE@contoso.com"]));

        var both = resolver.Resolve(Item(June, new("U1", Email: "alice@contoso.com"), new SourceIdentity("U2", Email: "bob@contoso.com")));
        var bobOnly = resolver.Resolve(Item(June, new SourceIdentity("U2", Email: "bob@contoso.com")));
        var nobody = resolver.Resolve(Item(June, new SourceIdentity("X1")));

        Assert.Equal([Alice], both.Mailboxes);
        Assert.Equal(ResolutionOutcome.Excluded, bobOnly.Outcome);
        Assert.Equal(ResolutionOutcome.Quarantined, nobody.Outcome); // unknown people are still never dropped
    }
}
