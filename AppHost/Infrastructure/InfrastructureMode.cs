using System.Diagnostics;

namespace Connectors.AppHost.Infrastructure;

/// <summary>Where PostgreSQL and Redis come from.</summary>
public enum InfrastructureMode
{
    /// <summary>Containers through the container engine (also what publishing always describes).</summary>
    Containers,
    /// <summary>Real PostgreSQL and Redis started from local binaries as executable resources.</summary>
    Local,
    /// <summary>Connection strings supplied as parameters (e.g. a managed Azure PostgreSQL).</summary>
    External,
}

public static class InfrastructureModeResolver
{
    public const string ModeKey = "Infrastructure:Mode";

    /// <summary>
    /// An explicit setting wins; publishing always describes containers; otherwise containers when an
    /// engine answers within three seconds, else local processes. Returns the reason for the log.
    /// </summary>
    public static (InfrastructureMode Mode, string Reason) Resolve(IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return (InfrastructureMode.Containers, "publishing always describes containers");
        }

        var configured = builder.Configuration[ModeKey];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (!Enum.TryParse<InfrastructureMode>(configured, ignoreCase: true, out var mode))
            {
                throw new InvalidOperationException(
                    $"{ModeKey} is '{configured}'; expected one of: containers, local, external.");
            }
            return (mode, $"{ModeKey} is set to '{configured}'");
        }

        var runtime = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? "docker";
        return ContainerEngineAnswers(runtime, TimeSpan.FromSeconds(3))
            ? (InfrastructureMode.Containers, $"container engine '{runtime}' answered")
            : (InfrastructureMode.Local, $"no healthy container engine ('{runtime}' did not answer within 3 s)");
    }

    private static bool ContainerEngineAnswers(string runtime, TimeSpan timeout)
    {
        try
        {
            var start = new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }
            // `docker info` can hang when the CLI exists but no daemon runs, so the wait is bounded.
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0 && process.StandardOutput.ReadToEnd().Trim().Length > 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // the CLI is not installed
        }
    }
}
