using Aspire.Hosting;

namespace Connectors.Tests;

/// <summary>One running stack with two worker replicas, shared by the tests of a class.</summary>
public sealed class StackFixture : IAsyncLifetime
{
    public string DataDirectory { get; } = RepositoryPaths.NewTempDirectory("connectors-e2e");
    public DistributedApplication App { get; private set; } = null!;
    public string AdminApiKey => StackRunner.Secret(DataDirectory, ResourceNames.AdminApiKeyParameter);
    public string AdminPassword => StackRunner.Secret(DataDirectory, ResourceNames.AdminPasswordParameter);

    public async Task InitializeAsync() => App = await StackRunner.StartAsync(DataDirectory, workerReplicas: 2);

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        TryDelete(DataDirectory);
    }

    internal static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Under /tmp; not worth failing a test over.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
