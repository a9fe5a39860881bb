using Connectors.InsiderRisk;

namespace Connectors.Tests.InsiderRisk;

public sealed class RiskTriageTests
{
    [Theory]
    [InlineData(RiskState.Open, RiskState.Confirmed)]
    [InlineData(RiskState.Open, RiskState.Dismissed)]
    [InlineData(RiskState.Confirmed, RiskState.Open)]
    [InlineData(RiskState.Dismissed, RiskState.Open)]
    public void AnOpenAlertCanBeDecidedAndADecidedAlertReopened(RiskState from, RiskState to) =>
        Assert.Null(RiskTriage.Transition(from, to));

    [Theory]
    [InlineData(RiskState.Open)]
    [InlineData(RiskState.Confirmed)]
    [InlineData(RiskState.Dismissed)]
    public void MovingToTheSameStateIsAnError(RiskState state) =>
        Assert.Equal($"The alert is already {state.ToString().ToLowerInvariant()}.", RiskTriage.Transition(state, state));

    [Theory]
    [InlineData(RiskState.Confirmed, RiskState.Dismissed)]
    [InlineData(RiskState.Dismissed, RiskState.Confirmed)]
    public void ADecidedAlertMustBeReopenedBeforeChangingTheDecision(RiskState from, RiskState to) =>
        Assert.Contains("must be reopened", RiskTriage.Transition(from, to));

    [Fact]
    public void UnknownStatesAreRejected() =>
        Assert.NotNull(RiskTriage.Transition(RiskState.Open, (RiskState)7));
}
