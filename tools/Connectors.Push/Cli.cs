using System.Text;

namespace Connectors.Push;

/// <summary>The command line: reads the options, runs a <see cref="Pusher"/> and turns the outcome into an exit code.</summary>
public static class Cli
{
    /// <summary>Exit code when the push could not finish.</summary>
    public const int Failed = 1;

    /// <summary>
    /// Runs one push. Returns 0 when every record was accepted, 2 when some badging records were rejected
    /// and 1 on any error (the checkpoint is kept, so running again resumes).
    /// </summary>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, Func<string, string?> environment, HttpMessageHandler handler,
        TextWriter output, TextWriter error, TimeProvider clock, Func<TimeSpan, CancellationToken, Task> delay,
        CancellationToken ct)
    {
        if (args.Count == 0 || args.Any(a => a is "--help" or "-h" or "-?"))
        {
            output.WriteLine(PushOptions.Usage);
            return args.Count == 0 ? Failed : 0;
        }
        PushOptions options;
        try
        {
            options = PushOptions.Parse(args, environment);
        }
        catch (UsageException e)
        {
            error.WriteLine(e.Message);
            error.WriteLine(PushOptions.Usage);
            return Failed;
        }

        using var http = new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("connectors-push/1.0");
        try
        {
            var result = await new Pusher(http, output, clock, delay).PushAsync(options, ct);
            return result.ExitCode;
        }
        catch (PushFailedException e)
        {
            error.WriteLine($"error: {e.Message}");
        }
        catch (FormatException e)
        {
            error.WriteLine($"error: {options.FilePath}: {e.Message}");
        }
        catch (DecoderFallbackException e)
        {
            error.WriteLine($"error: {options.FilePath} is not valid UTF-8: {e.Message}");
        }
        catch (IOException e)
        {
            error.WriteLine($"error: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            error.WriteLine($"error: {e.Message}");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            error.WriteLine("cancelled: acknowledged chunks are in the checkpoint; run again to resume.");
        }
        return Failed;
    }
}
