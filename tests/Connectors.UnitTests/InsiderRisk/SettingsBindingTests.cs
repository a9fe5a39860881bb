using Connectors.InsiderRisk;
using Microsoft.Extensions.Configuration;

namespace Connectors.Tests.InsiderRisk;

/// <summary>The windows and thresholds an administrator sets in configuration reach the correlation.</summary>
public sealed class SettingsBindingTests
{
    [Fact]
    public void WindowsThresholdsAndTheTimeZoneBindFromConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["InsiderRisk:DepartingWindow"] = "10.00:00:00",
            ["InsiderRisk:AfterHours:TimeZoneId"] = "America/New_York",
            ["InsiderRisk:FailedBurst:Attempts"] = "3",
            ["InsiderRisk:UnusualVolume:Factor"] = "4.5",
        }).Build();

        var settings = configuration.GetSection("InsiderRisk").Get<InsiderRiskSettings>()!;

        Assert.Equal(TimeSpan.FromDays(10), settings.DepartingWindow);
        Assert.Equal("America/New_York", settings.AfterHours.TimeZoneId);
        Assert.Equal((3, 4.5), (settings.FailedBurst.Attempts, settings.UnusualVolume.Factor));
        Assert.Equal(InsiderRiskSettings.Default.RiskyUserWindow, settings.RiskyUserWindow);
        Assert.Empty(settings.Validate());
    }
}
