namespace Connectors.Push;

/// <summary>Which endpoint a file goes to: HR CSV signals or physical badging JSON.</summary>
public enum SignalKind
{
    /// <summary>CSV rows sent as multipart field <c>file</c> to <c>/signals</c>.</summary>
    Hr,

    /// <summary>A JSON array sent as the body to <c>/signals/physicalbadging</c>.</summary>
    Badging,
}

/// <summary>A bad command line; the message says what to fix.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The settings of one push, read from the command line and the environment.</summary>
public sealed record PushOptions(
    Uri BaseUrl, string ApiKey, Guid ConnectorId, string FilePath, SignalKind Kind, int ChunkSize,
    string CheckpointPath, int MaxRetries)
{
    /// <summary>The most records the API takes in one call.</summary>
    public const int MaxChunkSize = 50_000;

    /// <summary>The environment variable read when <c>--api-key</c> is not given.</summary>
    public const string ApiKeyVariable = "CONNECTORS_API_KEY";

    /// <summary>The help text printed for <c>--help</c> and after a usage error.</summary>
    public const string Usage = """
        Usage: connectors-push --url https://host --connector ID --file path.csv|path.json [options]

          --url URL            Base address of the Connectors API.
          --api-key KEY        API key (default: the CONNECTORS_API_KEY environment variable).
          --connector ID       Connector id (a GUID).
          --file PATH          CSV file of HR signals or JSON array of badging events.
          --kind hr|badging    Endpoint (default: hr for .csv, badging for .json).
          --chunk N            Records per call, 1 to 50000 (default 50000).
          --checkpoint PATH    Resume file (default: <file>.push-checkpoint.json).
          --max-retries N      Retries per chunk on 429, 5xx and connection errors (default 8).

        Exit codes: 0 all records accepted, 2 some badging records rejected, 1 error.
        """;

    /// <summary>The upload address for this connector and kind.</summary>
    public Uri Endpoint
    {
        get
        {
            var root = BaseUrl.ToString().TrimEnd('/');
            var path = $"{root}/api/compliance/connectors/{ConnectorId}/signals";
            return new Uri(Kind == SignalKind.Badging ? path + "/physicalbadging" : path);
        }
    }

    /// <summary>Reads the options; throws <see cref="UsageException"/> when something is missing or wrong.</summary>
    public static PushOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"Unexpected argument '{arg}'.");
            }
            var name = arg[2..];
            string value;
            var eq = name.IndexOf('=');
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"--{name} needs a value.");
            }
            if (name is not ("url" or "api-key" or "connector" or "file" or "kind" or "chunk" or "checkpoint" or "max-retries"))
            {
                throw new UsageException($"Unknown option --{name}.");
            }
            values[name] = value;
        }

        var url = Required(values, "url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--url '{url}' is not an http or https address.");
        }
        var apiKey = values.GetValueOrDefault("api-key") ?? environment(ApiKeyVariable);
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            throw new UsageException($"Give --api-key or set {ApiKeyVariable}.");
        }
        var connectorText = Required(values, "connector");
        if (!Guid.TryParse(connectorText, out var connector))
        {
            throw new UsageException($"--connector '{connectorText}' is not a GUID.");
        }
        var file = Required(values, "file");
        var kind = values.GetValueOrDefault("kind")?.ToLowerInvariant() switch
        {
            "hr" => SignalKind.Hr,
            "badging" => SignalKind.Badging,
            null => Path.GetExtension(file).ToLowerInvariant() switch
            {
                ".csv" => SignalKind.Hr,
                ".json" => SignalKind.Badging,
                _ => throw new UsageException($"Cannot tell the kind from '{Path.GetFileName(file)}': give --kind hr or --kind badging."),
            },
            var other => throw new UsageException($"--kind '{other}' is neither hr nor badging."),
        };
        var chunk = Number(values, "chunk", MaxChunkSize);
        if (chunk is < 1 or > MaxChunkSize)
        {
            throw new UsageException($"--chunk must be between 1 and {MaxChunkSize}.");
        }
        var retries = Number(values, "max-retries", 8);
        if (retries < 0)
        {
            throw new UsageException("--max-retries cannot be negative.");
        }
        var checkpoint = values.GetValueOrDefault("checkpoint") ?? file + ".push-checkpoint.json";
        return new PushOptions(baseUrl, apiKey, connector, file, kind, chunk, checkpoint, retries);
    }

    private static string Required(Dictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new UsageException($"--{name} is required.");

    private static int Number(Dictionary<string, string> values, string name, int fallback)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new UsageException($"--{name} '{text}' is not a whole number.");
    }
}
