using System.Net;
using System.Text;
using Connectors.Push;

namespace Connectors.Tests.Push;

/// <summary>A captured call to the fake API: where it went, its key and the chunk it carried.</summary>
internal sealed record SentCall(HttpMethod Method, Uri Uri, string? ApiKey, string? FileName, string Body);

/// <summary>An in-memory signals API: answers each call with the given function and records what was sent.</summary>
internal sealed class FakeApi(Func<int, SentCall, HttpResponseMessage> answer) : HttpMessageHandler
{
    public List<SentCall> Calls { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        string body;
        string? fileName = null;
        if (request.Content is MultipartFormDataContent multipart)
        {
            var part = Assert.Single(multipart);
            Assert.Equal("file", part.Headers.ContentDisposition?.Name?.Trim('"'));
            fileName = part.Headers.ContentDisposition?.FileName?.Trim('"');
            var bytes = await part.ReadAsByteArrayAsync(ct);
            Assert.False(bytes.AsSpan().StartsWith("\uFEFF"u8), "a chunk must not start with a BOM");
            body = Encoding.UTF8.GetString(bytes);
        }
        else
        {
            body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct);
        }
        var call = new SentCall(request.Method, request.RequestUri!,
            request.Headers.TryGetValues("X-Api-Key", out var keys) ? keys.Single() : null, fileName, body);
        Calls.Add(call);
        return answer(Calls.Count - 1, call);
    }

    public static HttpResponseMessage Accepted(int n) => new(HttpStatusCode.Accepted)
    {
        Headers = { Location = new Uri($"/api/compliance/connectors/x/signals/uploads/{n}", UriKind.Relative) },
    };

    public static HttpResponseMessage Status(int code, string? json = null) => new((HttpStatusCode)code)
    {
        Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/problem+json"),
    };
}

/// <summary>A clock that stands still.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>A temporary folder with a signals file, the options to push it and a recorder of requested waits.</summary>
internal sealed class PushFixture : IDisposable
{
    public static readonly Guid ConnectorId = Guid.Parse("7d0c2f7e-3c51-4a53-9a54-7a1e3b0f9f01");
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "connectors-push-" + Guid.NewGuid().ToString("N"));

    public PushFixture(string fileName, string content, bool bom = false)
    {
        Directory.CreateDirectory(_folder);
        FilePath = Path.Combine(_folder, fileName);
        Write(content, bom);
    }

    public string FilePath { get; }

    public string CheckpointPath => FilePath + ".push-checkpoint.json";

    public List<TimeSpan> Waits { get; } = [];

    public StringWriter Output { get; } = new();

    public StringWriter Errors { get; } = new();

    public void Write(string content, bool bom = false)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        File.WriteAllBytes(FilePath, bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes);
    }

    public string[] Args(int chunk, params string[] extra) =>
    [
        "--url", "https://archive.example/", "--api-key", "k-123", "--connector", ConnectorId.ToString(),
        "--file", FilePath, "--chunk", chunk.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra,
    ];

    public Task<int> RunAsync(FakeApi api, int chunk, params string[] extra) =>
        Cli.RunAsync(Args(chunk, extra), _ => null, api, Output, Errors, new FixedClock(Now), Delay, CancellationToken.None);

    public Pusher Pusher(FakeApi api) => new(new HttpClient(api), Output, new FixedClock(Now), Delay, () => 1.0);

    public PushOptions Options(int chunk, params string[] extra) => PushOptions.Parse(Args(chunk, extra), _ => null);

    private Task Delay(TimeSpan wait, CancellationToken ct)
    {
        Waits.Add(wait);
        return Task.CompletedTask;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
