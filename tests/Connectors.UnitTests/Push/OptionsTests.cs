using Connectors.Push;

namespace Connectors.Tests.Push;

public sealed class OptionsTests
{
    private static readonly string Id = Guid.NewGuid().ToString();

    [Fact]
    public void KindAndDefaultsComeFromTheFileAndTheEnvironment()
    {
        var options = PushOptions.Parse(["--url", "https://h/base/", "--connector", Id, "--file", "/data/badges.JSON"],
            name => name == "CONNECTORS_API_KEY" ? "from-env" : null);

        Assert.Equal(SignalKind.Badging, options.Kind);
        Assert.Equal("from-env", options.ApiKey);
        Assert.Equal(50_000, options.ChunkSize);
        Assert.Equal(8, options.MaxRetries);
        Assert.Equal("/data/badges.JSON.push-checkpoint.json", options.CheckpointPath);
        Assert.Equal($"https://h/base/api/compliance/connectors/{Id}/signals/physicalbadging", options.Endpoint.ToString());
    }

    [Fact]
    public void ExplicitOptionsWin()
    {
        var options = PushOptions.Parse(
            ["--url", "http://h", "--api-key", "k", "--connector", Id, "--file", "x.txt", "--kind", "hr",
             "--chunk=10", "--checkpoint", "/tmp/cp.json", "--max-retries", "0"], _ => "env");

        Assert.Equal(("k", SignalKind.Hr, 10, "/tmp/cp.json", 0),
            (options.ApiKey, options.Kind, options.ChunkSize, options.CheckpointPath, options.MaxRetries));
        Assert.Equal($"http://h/api/compliance/connectors/{Id}/signals", options.Endpoint.ToString());
    }

    [Theory]
    [InlineData("--chunk", "50001", "--chunk")]
    [InlineData("--chunk", "0", "--chunk")]
    [InlineData("--kind", "sftp", "--kind")]
    [InlineData("--colour", "red", "--colour")]
    public void BadValuesAreExplained(string name, string value, string mentioned)
    {
        var e = Assert.Throws<UsageException>(() => PushOptions.Parse(
            ["--url", "https://h", "--api-key", "k", "--connector", Id, "--file", "a.csv", name, value], _ => null));
        Assert.Contains(mentioned, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingKeyIsReported()
    {
        var e = Assert.Throws<UsageException>(() => PushOptions.Parse(["--url", "https://h", "--connector", Id, "--file", "a.csv"], _ => null));
        Assert.Contains("CONNECTORS_API_KEY", e.Message, StringComparison.Ordinal);
    }
}
