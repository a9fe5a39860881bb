using System.Text.Json;

namespace Connectors.Push;

/// <summary>
/// How far a push got: the file's SHA-256, the chunk size and target, and how many chunks the server
/// acknowledged. Saved after every acknowledged chunk so a re-run skips them.
/// </summary>
public sealed record Checkpoint(
    string File, string Sha256, int ChunkSize, SignalKind Kind, Guid ConnectorId,
    int ChunksAcknowledged, long RecordsAcknowledged, long RecordsRejected, DateTimeOffset UpdatedAt)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>Reads the checkpoint; null when there is none. A file that cannot be read is reported through <paramref name="problem"/>.</summary>
    public static Checkpoint? Load(string path, out string? problem)
    {
        problem = null;
        if (!System.IO.File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<Checkpoint>(System.IO.File.ReadAllText(path), Json)
                ?? throw new JsonException("The checkpoint is empty.");
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>Writes the checkpoint to a temporary file and renames it over the old one, so a crash never leaves half a file.</summary>
    public void Save(string path)
    {
        var temp = path + ".tmp";
        System.IO.File.WriteAllText(temp, JsonSerializer.Serialize(this, Json));
        System.IO.File.Move(temp, path, overwrite: true);
    }
}
