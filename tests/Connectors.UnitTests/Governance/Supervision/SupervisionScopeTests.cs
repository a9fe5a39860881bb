using Connectors.Governance.Supervision;

namespace Connectors.Tests.Governance.Supervision;

public sealed class SupervisionScopeTests
{
    [Fact]
    public void AnEmptyScopeCoversEverySourceAndEveryone()
    {
        Assert.True(SupervisionScope.Everything.Covers("slack", ["anyone@example.com"]));
        Assert.True(SupervisionScope.Everything.Covers("bloomberg", []));
    }

    [Theory]
    [InlineData("slack", true)]
    [InlineData("Slack", true)]
    [InlineData("ice", true)]
    [InlineData("bloomberg", false)]
    public void OnlyTheListedSourcesAreCovered(string sourceType, bool covered)
    {
        var scope = new SupervisionScope(["slack", "ICE"], []);

        Assert.Equal(covered, scope.Covers(sourceType, ["trader@example.com"]));
    }

    [Fact]
    public void AnItemIsCoveredWhenAnyListedPersonTakesPart()
    {
        var scope = new SupervisionScope([], ["Jane.Doe@Example.com", " rates-desk@example.com "]);

        Assert.True(scope.Covers("slack", ["client@outside.org", "jane.doe@example.com"]));
        Assert.True(scope.Covers("slack", ["RATES-DESK@example.com"]));
        Assert.False(scope.Covers("slack", ["john.roe@example.com", "client@outside.org"]));
        Assert.False(scope.Covers("slack", []));
    }

    [Fact]
    public void SourceAndPeopleMustBothMatch()
    {
        var scope = new SupervisionScope(["bloomberg"], ["jane.doe@example.com"]);

        Assert.True(scope.Covers("bloomberg", ["jane.doe@example.com"]));
        Assert.False(scope.Covers("slack", ["jane.doe@example.com"]));
        Assert.False(scope.Covers("bloomberg", ["john.roe@example.com"]));
    }
}
