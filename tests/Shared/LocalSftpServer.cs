using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Connectors.Tests;

/// <summary>
/// A real OpenSSH SFTP server (<c>/usr/sbin/sshd -D -e</c>) on a free loopback port, standing in for a vendor's
/// SFTP site (Bloomberg, ICE, Refinitiv).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>sshd authenticates real OS accounts, so the fixture makes sure the system account
/// <see cref="TestUser"/> exists (<c>useradd --system</c>, no home, shell <c>/usr/sbin/nologin</c>) and sets its
/// password to the fixed <see cref="TestPassword"/> (<c>chpasswd</c>). The password is a constant on purpose:
/// several test processes (service and end-to-end tests) may run fixtures at once, and a per-run password would
/// make them overwrite each other's. The account cannot open a shell (nologin) and only this fixture's sshd,
/// which forces <c>internal-sftp</c> in a chroot, lets it in. Needs root.</item>
/// <item>Login: password and public key. <see cref="ClientPrivateKey"/> is an unencrypted ed25519 key in OpenSSH
/// format; <see cref="EncryptedClientPrivateKey"/> is an RSA key in PEM format protected by
/// <see cref="ClientKeyPassphrase"/>. Both public halves are in the fixture's AuthorizedKeysFile.</item>
/// <item>Files: the account is chrooted into <see cref="Root"/> (remote path <c>/</c> is <see cref="Root"/>). sshd
/// requires every component of a chroot path to be root-owned and not writable by others, which rules out
/// <c>/tmp</c>, so <see cref="Root"/> is under <c>/srv/connectors-sftp-tests</c>; it is read-only for the
/// account (a vendor drop). Configuration, keys and the pid file live in a <c>/tmp</c> folder.</item>
/// </list>
/// </remarks>
public class LocalSftpServer : IAsyncLifetime
{
    public const string TestUser = "connectors-sftp";
    public const string TestPassword = "connectors-sftp-Test-Password-1";
    public const string ClientKeyPassphrase = "client-key-passphrase";

    private const string Sshd = "/usr/sbin/sshd";
    private const string RootsBase = "/srv/connectors-sftp-tests";

    private readonly string _configDirectory = RepositoryPaths.NewTempDirectory("connectors-sftp");
    private readonly ConcurrentQueue<string> _log = new();
    private Process? _sshd;

    public LocalSftpServer()
    {
        Root = Path.Combine(RootsBase, Guid.NewGuid().ToString("N"));
    }

    public string Host => "127.0.0.1";
    public int Port { get; private set; }
    public string Username => TestUser;
    public string Password => TestPassword;

    /// <summary>OpenSSH text of an unencrypted ed25519 client key accepted for <see cref="Username"/>.</summary>
    public string ClientPrivateKey { get; private set; } = "";

    /// <summary>PEM text of an RSA client key encrypted with <see cref="ClientKeyPassphrase"/>, also accepted.</summary>
    public string EncryptedClientPrivateKey { get; private set; } = "";

    /// <summary>The server's host key fingerprint as <c>ssh-keygen -lf</c> prints it: <c>SHA256:…</c>.</summary>
    public string HostKeyFingerprint { get; private set; } = "";

    /// <summary>The local folder that is the SFTP tree (remote <c>/</c>).</summary>
    public string Root { get; }

    /// <summary>What sshd wrote so far (for assertion messages and diagnosing failed logins).</summary>
    public string Log => string.Join('\n', _log);

    /// <summary>How many log lines mention <paramref name="text"/> (e.g. "Accepted" for successful logins).</summary>
    public int CountLogLines(string text) => _log.Count(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>The remote path of a file or folder under <see cref="Root"/>.</summary>
    public static string RemotePath(string relativePath) => "/" + relativePath.TrimStart('/');

    /// <summary>The local path of a file or folder under <see cref="Root"/>.</summary>
    public string LocalPath(string relativePath)
    {
        var path = Path.GetFullPath(Path.Combine(Root, relativePath.TrimStart('/')));
        if (!path.StartsWith(Root, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{relativePath}' is outside the SFTP root.", nameof(relativePath));
        }
        return path;
    }

    /// <summary>Creates or replaces a file in the SFTP tree (parent folders are created).</summary>
    public string WriteFile(string relativePath, byte[] content)
    {
        var path = PrepareFile(relativePath);
        File.WriteAllBytes(path, content);
        return RemotePath(relativePath);
    }

    /// <summary>Creates or replaces a file from a stream (for large generated files).</summary>
    public string WriteFile(string relativePath, Stream content)
    {
        var path = PrepareFile(relativePath);
        using (var file = File.Create(path))
        {
            content.CopyTo(file);
        }
        return RemotePath(relativePath);
    }

    /// <summary>Sets a file's modification time, as the vendor's upload would have.</summary>
    public void SetModified(string relativePath, DateTimeOffset modifiedUtc) =>
        File.SetLastWriteTimeUtc(LocalPath(relativePath), modifiedUtc.UtcDateTime);

    /// <summary>Creates a folder (and its parents) in the SFTP tree.</summary>
    public string CreateFolder(string relativePath)
    {
        Directory.CreateDirectory(LocalPath(relativePath));
        return RemotePath(relativePath);
    }

    public async Task InitializeAsync()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("LocalSftpServer needs root: sshd must switch to the test account.");
        }
        if (!File.Exists(Sshd))
        {
            throw new InvalidOperationException($"{Sshd} is missing: apt-get install -y openssh-server.");
        }

        await EnsureTestUserAsync();

        // Privilege separation directory (normally made by the service unit).
        Directory.CreateDirectory("/run/sshd");
        SetMode("/run/sshd", DirectoryMode);

        // The chroot: every component root-owned and not group/other-writable.
        Directory.CreateDirectory(RootsBase);
        SetMode(RootsBase, DirectoryMode);
        RemoveStaleRoots();
        Directory.CreateDirectory(Root);
        SetMode(Root, DirectoryMode);

        var hostKey = Path.Combine(_configDirectory, "ssh_host_ed25519_key");
        await RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "connectors-test-host", "-f", hostKey]);
        HostKeyFingerprint = ParseFingerprint(await RunAsync("ssh-keygen", ["-l", "-E", "sha256", "-f", hostKey + ".pub"]));

        var clientKey = Path.Combine(_configDirectory, "client_ed25519");
        await RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "connectors-test-client", "-f", clientKey]);
        ClientPrivateKey = await File.ReadAllTextAsync(clientKey);

        var encryptedKey = Path.Combine(_configDirectory, "client_rsa");
        await RunAsync("ssh-keygen", ["-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", ClientKeyPassphrase, "-C", "connectors-test-client-rsa", "-f", encryptedKey]);
        EncryptedClientPrivateKey = await File.ReadAllTextAsync(encryptedKey);

        // sshd reads the AuthorizedKeysFile as the test account: it must be readable by it (public keys only).
        var authorizedKeys = Path.Combine(_configDirectory, "authorized_keys");
        await File.WriteAllTextAsync(authorizedKeys,
            await File.ReadAllTextAsync(clientKey + ".pub") + await File.ReadAllTextAsync(encryptedKey + ".pub"));
        SetMode(authorizedKeys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        SetMode(_configDirectory, DirectoryMode);

        // A port taken between choosing and binding makes sshd exit: try again with another.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var config = Path.Combine(_configDirectory, "sshd_config");
            await File.WriteAllTextAsync(config, Config(hostKey, authorizedKeys));
            _sshd = StartSshd(config);
            try
            {
                await WaitForPortAsync(_sshd);
                return;
            }
            catch (InvalidOperationException) when (attempt < 3 && _sshd.HasExited)
            {
                _log.Enqueue($"(sshd exited on port {Port}; retrying on another port)");
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_sshd is { HasExited: false })
        {
            _sshd.Kill(entireProcessTree: true);
            await _sshd.WaitForExitAsync();
        }
        _sshd?.Dispose();
        foreach (var directory in new[] { Root, _configDirectory })
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for the OS to clean.
            }
        }
    }

    /// <summary>Roots left by killed test runs (older than a day, so never a running fixture's).</summary>
    private static void RemoveStaleRoots()
    {
        foreach (var directory in new DirectoryInfo(RootsBase).EnumerateDirectories())
        {
            if (directory.CreationTimeUtc < DateTime.UtcNow.AddDays(-1))
            {
                try
                {
                    directory.Delete(recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Another process is cleaning it up.
                }
            }
        }
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private static UnixFileMode DirectoryMode =>
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private string Config(string hostKey, string authorizedKeys) => $"""
        Port {Port}
        ListenAddress 127.0.0.1
        HostKey {hostKey}
        PidFile {Path.Combine(_configDirectory, "sshd.pid")}
        StrictModes no
        UsePAM no
        PermitRootLogin no
        AllowUsers {TestUser}
        PubkeyAuthentication yes
        PasswordAuthentication yes
        KbdInteractiveAuthentication no
        PermitEmptyPasswords no
        AuthorizedKeysFile {authorizedKeys}
        MaxAuthTries 10
        MaxStartups 50:30:100
        LoginGraceTime 30
        LogLevel VERBOSE
        Subsystem sftp internal-sftp
        Match User {TestUser}
            ChrootDirectory {Root}
            ForceCommand internal-sftp -d /
            AllowTcpForwarding no
            AllowAgentForwarding no
            X11Forwarding no
            PermitTTY no

        """;

    private Process StartSshd(string config)
    {
        var start = new ProcessStartInfo(Sshd, ["-D", "-e", "-f", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }
        _log.Enqueue(line);
        while (_log.Count > 2000)
        {
            _log.TryDequeue(out _);
        }
    }

    private async Task WaitForPortAsync(Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"sshd exited with {process.ExitCode}:\n{Log}");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException($"sshd did not listen on {Port}:\n{Log}", ex);
            }
        }
    }

    private static readonly SemaphoreSlim UserSetup = new(1, 1);

    private static async Task EnsureTestUserAsync()
    {
        await UserSetup.WaitAsync();
        try
        {
            if (await TryRunAsync("getent", ["passwd", TestUser]) is not (0, _))
            {
                // 9 = the name exists: another process created it meanwhile.
                var (code, output) = await TryRunAsync("useradd",
                    ["--system", "--no-create-home", "--home-dir", "/", "--shell", "/usr/sbin/nologin", "--comment", "Connectors SFTP tests", TestUser]);
                if (code is not (0 or 9))
                {
                    throw new InvalidOperationException($"useradd {TestUser} failed ({code}): {output}");
                }
            }
            // chpasswd locks /etc/shadow; a concurrent test process may hold the lock for a moment.
            for (var attempt = 1; ; attempt++)
            {
                var (code, output) = await TryRunAsync("chpasswd", [], $"{TestUser}:{TestPassword}\n");
                if (code == 0)
                {
                    return;
                }
                if (attempt == 10)
                {
                    throw new InvalidOperationException($"chpasswd for {TestUser} failed ({code}): {output}");
                }
                await Task.Delay(200 * attempt);
            }
        }
        finally
        {
            UserSetup.Release();
        }
    }

    private static string ParseFingerprint(string keygenOutput)
    {
        // "256 SHA256:abc… comment (ED25519)"
        var parts = keygenOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 1 && parts[1].StartsWith("SHA256:", StringComparison.Ordinal)
            ? parts[1]
            : throw new InvalidOperationException("Unexpected ssh-keygen -l output: " + keygenOutput);
    }

    private static async Task<string> RunAsync(string command, string[] args)
    {
        var (code, output) = await TryRunAsync(command, args);
        return code == 0 ? output : throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed ({code}): {output}");
    }

    private static async Task<(int ExitCode, string Output)> TryRunAsync(string command, string[] args, string? input = null)
    {
        var start = new ProcessStartInfo(command, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = new StringBuilder().Append(await stdout).Append(await stderr).ToString().Trim();
        return (process.ExitCode, output);
    }

    private string PrepareFile(string relativePath)
    {
        var path = LocalPath(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
