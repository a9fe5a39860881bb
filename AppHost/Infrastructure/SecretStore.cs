using Microsoft.Extensions.Configuration;
using System.Security.Cryptography;
using System.Text.Json;

namespace Connectors.AppHost.Infrastructure;

/// <summary>
/// Secret parameters that are generated once when not supplied and kept in a private file beside the
/// data, so a restart on the same data keeps the database password and scripts keep their API key.
/// A value supplied through configuration (e.g. <c>Parameters__admin-api-key</c>) always wins.
/// </summary>
public sealed class SecretStore(string path)
{
    public string Path { get; } = path;

    public void EnsureParameters(IConfiguration configuration, params string[] names)
    {
        var stored = Load();
        var changed = false;
        foreach (var name in names)
        {
            var key = $"Parameters:{name}";
            if (!string.IsNullOrEmpty(configuration[key]))
            {
                continue;
            }
            if (!stored.TryGetValue(name, out var value) || string.IsNullOrEmpty(value))
            {
                value = Generate();
                stored[name] = value;
                changed = true;
            }
            configuration[key] = value;
        }
        if (changed)
        {
            Save(stored);
        }
    }

    private Dictionary<string, string> Load() =>
        File.Exists(Path)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path)) ?? []
            : [];

    private void Save(Dictionary<string, string> values)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temp = Path + ".tmp";
        // Created owner-only before anything is written into it.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, values, new JsonSerializerOptions { WriteIndented = true });
        }
        File.Move(temp, Path, overwrite: true);
    }

    /// <summary>32 random bytes as URL-safe text: no quoting problems in connection strings or shells.</summary>
    private static string Generate() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
