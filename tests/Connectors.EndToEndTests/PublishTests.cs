using System.Diagnostics;
using System.Text.Json;

namespace Connectors.Tests;

public sealed class PublishTests
{
    /// <summary>The manifest is what azd deploys to Azure Container Apps: containers for the data, projects for the services.</summary>
    [Fact]
    public async Task ThePublishedManifestDescribesContainersAndTheThreeServices()
    {
        var output = Path.Combine(RepositoryPaths.NewTempDirectory("connectors-manifest"), "manifest.json");
        var configuration = AppContext.BaseDirectory.Contains("/Release/") ? "Release" : "Debug";
        var start = new ProcessStartInfo("dotnet",
            ["run", "--project", Path.Combine(RepositoryPaths.Root, "AppHost"), "--no-build", "-c", configuration, "--no-launch-profile",
             "--", "--publisher", "manifest", "--output-path", output])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(process.ExitCode == 0, await log + await errors);

        var resources = JsonDocument.Parse(File.ReadAllText(output)).RootElement.GetProperty("resources");
        string Type(string name) => resources.GetProperty(name).GetProperty("type").GetString()!;
        Assert.StartsWith("container.", Type(ResourceNames.Postgres));
        Assert.StartsWith("container.", Type(ResourceNames.Redis));
        Assert.StartsWith("project.", Type(ResourceNames.Api));
        Assert.StartsWith("project.", Type(ResourceNames.Worker));
        Assert.StartsWith("project.", Type(ResourceNames.Web));
    }
}
