namespace Connectors.Tests;

internal static class RepositoryPaths
{
    /// <summary>The checkout's root (where Connectors.sln is), found from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The shared folder beside the checkout (corpus, sources).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Connectors.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Connectors.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A fresh temporary folder that the postgres OS user can enter (not under root's home).</summary>
    public static string NewTempDirectory(string prefix)
    {
        var path = Path.Combine("/tmp", $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
