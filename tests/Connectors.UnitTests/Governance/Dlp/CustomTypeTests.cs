using Connectors.Governance.Dlp;
using static Connectors.Tests.Governance.Dlp.DlpTestSupport;

namespace Connectors.Tests.Governance.Dlp;

public sealed class CustomTypeTests
{
    [Fact]
    public void ACustomTypeFindsItsPatternCaseInsensitively()
    {
        var project = SensitiveInfoType.Custom("Project code", @"\bPRJ-[0-9]{4}\b", ["project"]);

        Assert.Equal("custom:Project code", project.Id);
        Assert.Equal("Project code", project.Name);
        Assert.True(project.IsCustom);
        Assert.Equal(["PRJ-1234", "prj-9876"], Values(project, "See PRJ-1234 and prj-9876 but not PRJ-12345."));
    }

    [Fact]
    public void ACustomTypesKeywordsRaiseItsConfidence()
    {
        var project = SensitiveInfoType.Custom(
            "Project code", "PRJ-[0-9]{4}", ["project", "codename"], DlpConfidence.Low, DlpConfidence.High);

        Assert.Equal(DlpConfidence.Low, OnlyConfidence(project, "ticket PRJ-1234"));
        Assert.Equal(DlpConfidence.High, OnlyConfidence(project, "Codename PRJ-1234"));
    }

    [Theory]
    [InlineData("(unclosed")]
    [InlineData("[z-a]")]
    [InlineData(@"(\w+)\1")]    // backreferences need backtracking
    [InlineData("(?=secret)")]  // so do lookarounds
    [InlineData("a*")]          // matches empty text, so it would match everywhere
    [InlineData("")]
    public void ABadPatternIsReportedWithAReason(string pattern)
    {
        Assert.False(SensitiveInfoType.TryValidatePattern(pattern, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));

        var thrown = Assert.Throws<ArgumentException>(() => SensitiveInfoType.Custom("Bad", pattern));
        Assert.Equal("pattern", thrown.ParamName);
        Assert.Contains(error!, thrown.Message);
    }

    [Fact]
    public void AGoodPatternValidates()
    {
        Assert.True(SensitiveInfoType.TryValidatePattern(@"EMP[0-9]{6}", out var error));
        Assert.Null(error);
    }

    [Fact]
    public void APatternThatWouldBacktrackCatastrophicallyStillRunsInLinearTime()
    {
        // (a+)+b against many a's takes exponential time on a backtracking engine.
        var nested = SensitiveInfoType.Custom("Nested", "(a+)+b");
        var text = new string('a', 50_000) + "!";

        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Empty(Values(nested, text));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"took {started.Elapsed}");
    }

    [Fact]
    public void ACustomTypeNeedsAName() =>
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => SensitiveInfoType.Custom(" ", "x")).ParamName);
}
