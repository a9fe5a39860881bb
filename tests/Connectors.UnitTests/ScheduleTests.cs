using Connectors.Connectors;

namespace Connectors.Tests;

public sealed class ScheduleTests
{
    [Fact]
    public void AnIntervalScheduleRunsOneIntervalAfterTheLastStart()
    {
        var from = new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.Zero);

        Assert.Equal(from.AddHours(24), ConnectorSchedule.Daily.NextAfter(from));
        Assert.Equal(from.AddMinutes(15), new ConnectorSchedule(TimeSpan.FromMinutes(15), null, null).NextAfter(from));
    }

    [Theory]
    [InlineData("2026-01-15T12:00:00Z", "2026-01-16T07:00:00Z")] // winter: New York is UTC-5
    [InlineData("2026-07-15T12:00:00Z", "2026-07-16T06:00:00Z")] // summer: UTC-4
    [InlineData("2026-07-15T05:59:00Z", "2026-07-15T06:00:00Z")]
    public void ACronScheduleFiresAtLocalTimeInItsTimeZone(string from, string expected)
    {
        var schedule = new ConnectorSchedule(null, "0 2 * * *", "America/New_York");

        Assert.Equal(DateTimeOffset.Parse(expected), schedule.NextAfter(DateTimeOffset.Parse(from)));
    }

    [Fact]
    public void ACronScheduleWithoutATimeZoneUsesUtc() =>
        Assert.Equal(DateTimeOffset.Parse("2026-01-16T02:00:00Z"),
            new ConnectorSchedule(null, "0 2 * * *", null).NextAfter(DateTimeOffset.Parse("2026-01-15T12:00:00Z")));

    [Fact]
    public void ACronExpressionThatNeverFiresDoesNotSpin() =>
        Assert.Equal(DateTimeOffset.MaxValue, new ConnectorSchedule(null, "0 0 30 2 *", null).NextAfter(DateTimeOffset.UtcNow));

    [Theory]
    [InlineData(24 * 60, null, null, null)]
    [InlineData(null, "0 2 * * *", "Europe/London", null)]
    [InlineData(null, null, null, "schedule")]
    [InlineData(60, "0 2 * * *", null, "schedule")]
    [InlineData(0, null, null, "schedule.interval")]
    [InlineData(null, "every day", null, "schedule.cron")]
    [InlineData(null, "0 2 * * *", "Nowhere/Special", "schedule.timeZone")]
    [InlineData(60, null, "Europe/London", "schedule.timeZone")]
    public void SchedulesAreValidatedFieldByField(int? minutes, string? cron, string? zone, string? field)
    {
        var errors = ConnectorSchedule.Validate(minutes is { } m ? TimeSpan.FromMinutes(m) : null, cron, zone);

        if (field is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Contains(field, errors.Keys);
        }
    }
}
