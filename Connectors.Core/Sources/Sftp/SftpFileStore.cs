using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using Connectors.Imports;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Connectors.Sources.Sftp;

/// <summary>Timeouts of an SFTP session.</summary>
/// <param name="ConnectTimeout">
/// Limit for TCP connect + SSH handshake + authentication. A host that does not answer (firewall drop, IP not
/// allow-listed by the vendor) fails after this instead of hanging.
/// </param>
/// <param name="OperationTimeout">Limit for one SFTP request (a directory page, one read of a file).</param>
public sealed record SftpConnectOptions(TimeSpan ConnectTimeout, TimeSpan OperationTimeout)
{
    public static SftpConnectOptions Default { get; } = new(TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(2));
}

/// <summary>
/// A logged-in SFTP session on a vendor's site (SSH.NET <see cref="SftpClient"/>): lists delivered files and
/// streams them. The server's host key must match the pinned fingerprint before any credential is sent.
/// Not thread-safe for concurrent listings; one store per connector run.
/// </summary>
public sealed class SftpFileStore : IAsyncDisposable, IDisposable
{
    private const int ReadBufferSize = 64 * 1024;

    private readonly SftpClient _client;
    private readonly SftpEndpoint _endpoint;
    private readonly IReadOnlyList<IDisposable> _ownedResources;
    private bool _disposed;

    private SftpFileStore(SftpClient client, SftpEndpoint endpoint, string serverFingerprint, IReadOnlyList<IDisposable> ownedResources)
    {
        _client = client;
        _endpoint = endpoint;
        ServerFingerprint = serverFingerprint;
        _ownedResources = ownedResources;
    }

    /// <summary>The host key fingerprint the server presented (<c>SHA256:…</c>); equal to a pinned one.</summary>
    public string ServerFingerprint { get; }

    /// <summary>
    /// The OpenSSH fingerprint of an SSH public key blob (the wire-format key, as in <c>authorized_keys</c> after
    /// base64 decoding): <c>SHA256:</c> + unpadded base64 of its SHA-256, exactly what <c>ssh-keygen -lf</c> prints.
    /// </summary>
    public static string Fingerprint(byte[] hostKey)
    {
        ArgumentNullException.ThrowIfNull(hostKey);
        return "SHA256:" + Convert.ToBase64String(SHA256.HashData(hostKey)).TrimEnd('=');
    }

    /// <summary>Connects with <see cref="SftpConnectOptions.Default"/> (15 s connect timeout).</summary>
    public static Task<SftpFileStore> ConnectAsync(SftpEndpoint endpoint, CancellationToken cancellationToken) =>
        ConnectAsync(endpoint, SftpConnectOptions.Default, cancellationToken);

    /// <summary>
    /// Connects, checks the host key against <see cref="SftpEndpoint.HostKeySha256"/> and logs in.
    /// </summary>
    /// <exception cref="HostKeyMismatchException">The server's key differs from the pinned one.</exception>
    /// <exception cref="HostKeyNotPinnedException">No key is pinned; carries the one the server presented.</exception>
    /// <exception cref="SourceAuthenticationException">The login was rejected, or the private key cannot be read.</exception>
    /// <exception cref="SftpConnectionException">Unreachable, refused, timed out, or the handshake failed.</exception>
    public static async Task<SftpFileStore> ConnectAsync(SftpEndpoint endpoint, SftpConnectOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint.Host);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint.Username);
        ArgumentOutOfRangeException.ThrowIfLessThan(endpoint.Port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(endpoint.Port, 65535);

        var pinned = ParsePinnedFingerprints(endpoint.HostKeySha256);
        var owned = new List<IDisposable>();
        SftpClient? client = null;
        try
        {
            var methods = CreateAuthenticationMethods(endpoint, owned, out var methodNames);
            var connectionInfo = new ConnectionInfo(endpoint.Host, endpoint.Port, endpoint.Username, methods)
            {
                Timeout = options.ConnectTimeout,
            };
            client = new SftpClient(connectionInfo)
            {
                OperationTimeout = options.OperationTimeout,
                BufferSize = ReadBufferSize,
                KeepAliveInterval = TimeSpan.FromSeconds(30),
            };

            string? observed = null;
            client.HostKeyReceived += (_, e) =>
            {
                // Never throw from here (it runs inside SSH.NET's key exchange): record and refuse; the
                // precise exception is raised once ConnectAsync has failed.
                observed = Fingerprint(e.HostKey);
                e.CanTrust = pinned.Contains(observed, StringComparer.Ordinal);
            };

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            try
            {
                await client.ConnectAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                var mapped = MapConnectException(ex, endpoint, options, pinned, observed, methodNames, cancellationToken);
                if (ReferenceEquals(mapped, ex))
                {
                    ExceptionDispatchInfo.Capture(ex).Throw();
                }
                throw mapped;
            }

            if (observed is null || !pinned.Contains(observed, StringComparer.Ordinal))
            {
                // Defence in depth: SSH.NET always asks; if it ever did not, we still refuse.
                throw new SftpConnectionException($"The host key of {endpoint.Address} could not be verified.");
            }

            var store = new SftpFileStore(client, endpoint, observed, owned);
            client = null;
            return store;
        }
        catch
        {
            client?.Dispose();
            foreach (var resource in owned)
            {
                resource.Dispose();
            }
            throw;
        }
    }

    /// <summary>
    /// Lists the regular files under <paramref name="folder"/> whose name matches any of
    /// <paramref name="patterns"/> (see <see cref="FileGlob"/>; an empty list matches all), ordered by path.
    /// Symbolic links to files are listed with their target's size and time; links to folders are not followed.
    /// </summary>
    /// <param name="folder">Remote folder, absolute or relative to the login folder ("" or "." for the login folder).</param>
    /// <param name="patterns">File-name globs such as <c>*.ib19.*.xml*.gpg</c> (matched against the name, not the path).</param>
    /// <param name="recursive">Whether to descend into sub-folders.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <exception cref="SftpConnectionException">The folder does not exist, is not readable, or the connection broke.</exception>
    public async Task<IReadOnlyList<RemoteFile>> ListAsync(string folder, IReadOnlyList<string> patterns, bool recursive, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(patterns);
        var root = string.IsNullOrWhiteSpace(folder) ? "." : folder.Trim();

        var results = new List<RemoteFile>();
        var pending = new Queue<string>();
        pending.Enqueue(root);
        var isRoot = true;
        while (pending.TryDequeue(out var directory))
        {
            try
            {
                await foreach (var entry in _client.ListDirectoryAsync(directory, cancellationToken).ConfigureAwait(false))
                {
                    if (entry.Name is "." or "..")
                    {
                        continue;
                    }
                    bool isDirectory = entry.IsDirectory, isFile = entry.IsRegularFile;
                    long size = entry.Length;
                    var modified = entry.LastWriteTimeUtc;
                    if (entry.IsSymbolicLink)
                    {
                        try
                        {
                            // STAT follows the link (the listing's attributes describe the link itself).
                            var target = await _client.GetAttributesAsync(entry.FullName, cancellationToken).ConfigureAwait(false);
                            isFile = target.IsRegularFile;
                            isDirectory = false; // never follow linked folders: no cycles, no escaping the tree
                            size = target.Size;
                            modified = target.LastWriteTimeUtc;
                        }
                        catch (SftpPathNotFoundException)
                        {
                            continue; // dangling link
                        }
                    }
                    if (isDirectory)
                    {
                        if (recursive)
                        {
                            pending.Enqueue(entry.FullName);
                        }
                    }
                    else if (isFile && FileGlob.IsMatchAny(entry.Name, patterns))
                    {
                        results.Add(new RemoteFile(entry.FullName, entry.Name, size,
                            new DateTimeOffset(DateTime.SpecifyKind(modified, DateTimeKind.Utc))));
                    }
                }
            }
            catch (SftpPathNotFoundException ex) when (isRoot)
            {
                throw new SftpConnectionException(await IsFileAsync(root, cancellationToken).ConfigureAwait(false)
                    ? $"Remote path '{root}' on {_endpoint.Address} is a file, not a folder."
                    : $"Remote folder '{root}' does not exist on {_endpoint.Address}.", ex);
            }
            catch (SftpPathNotFoundException)
            {
                // A sub-folder removed while we walked the tree (the vendor's clean-up): nothing to list there.
            }
            catch (SftpPermissionDeniedException ex)
            {
                throw new SftpConnectionException(
                    $"Permission denied listing remote folder '{directory}' on {_endpoint.Address} as {_endpoint.Username}.", ex);
            }
            catch (SftpException ex)
            {
                throw new SftpConnectionException(
                    $"Remote folder '{directory}' on {_endpoint.Address} cannot be listed: {ex.Message} ({ex.StatusCode}).", ex);
            }
            catch (Exception ex) when (ex is SshException or SocketException or IOException)
            {
                throw new SftpConnectionException($"The connection to {_endpoint.Address} failed while listing '{directory}': {ex.Message}", ex);
            }
            isRoot = false;
        }
        results.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return results;
    }

    private async Task<bool> IsFileAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return !(await _client.GetAttributesAsync(path, cancellationToken).ConfigureAwait(false)).IsDirectory;
        }
        catch (SftpPathNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Opens a remote file for reading. The stream fetches the file in 64 KB requests as it is read; nothing is
    /// buffered beyond that, so multi-GB files are fine. Dispose it before disposing the store.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist (any more).</exception>
    public Stream OpenRead(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return _client.OpenRead(path);
        }
        catch (SftpPathNotFoundException ex)
        {
            throw new FileNotFoundException($"Remote file '{path}' does not exist on {_endpoint.Address}.", path, ex);
        }
        catch (SftpPermissionDeniedException ex)
        {
            throw new SftpConnectionException($"Permission denied reading remote file '{path}' on {_endpoint.Address}.", ex);
        }
    }

    /// <summary>Asynchronous <see cref="OpenRead"/>.</summary>
    public async Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return await _client.OpenAsync(path, FileMode.Open, FileAccess.Read, cancellationToken).ConfigureAwait(false);
        }
        catch (SftpPathNotFoundException ex)
        {
            throw new FileNotFoundException($"Remote file '{path}' does not exist on {_endpoint.Address}.", path, ex);
        }
        catch (SftpPermissionDeniedException ex)
        {
            throw new SftpConnectionException($"Permission denied reading remote file '{path}' on {_endpoint.Address}.", ex);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            if (_client.IsConnected)
            {
                _client.Disconnect();
            }
        }
        catch (Exception ex) when (ex is SshException or SocketException or IOException or ObjectDisposedException)
        {
            // The connection is already gone: nothing to close politely.
        }
        _client.Dispose();
        foreach (var resource in _ownedResources)
        {
            resource.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Normalizes the pinned value: one or more fingerprints separated by commas, semicolons or white space
    /// (a vendor rotating its key, or several host key types), each <c>SHA256:base64</c> with or without the
    /// prefix and padding.
    /// </summary>
    internal static IReadOnlyList<string> ParsePinnedFingerprints(string? pinned)
    {
        if (string.IsNullOrWhiteSpace(pinned))
        {
            return [];
        }
        var result = new List<string>();
        foreach (var part in pinned.Split([',', ';', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            var value = part.StartsWith("SHA256:", StringComparison.OrdinalIgnoreCase) ? part["SHA256:".Length..] : part;
            result.Add("SHA256:" + value.TrimEnd('='));
        }
        return result;
    }

    private static AuthenticationMethod[] CreateAuthenticationMethods(SftpEndpoint endpoint, List<IDisposable> owned, out string methodNames)
    {
        var methods = new List<AuthenticationMethod>();
        var names = new List<string>();
        if (!string.IsNullOrWhiteSpace(endpoint.PrivateKey))
        {
            var keyFile = ReadPrivateKey(endpoint);
            owned.Add(keyFile);
            var method = new PrivateKeyAuthenticationMethod(endpoint.Username, keyFile);
            owned.Add(method);
            methods.Add(method);
            names.Add("public key");
        }
        if (endpoint.Password is not null)
        {
            var password = new PasswordAuthenticationMethod(endpoint.Username, endpoint.Password);
            owned.Add(password);
            methods.Add(password);

            // Some servers only offer passwords through keyboard-interactive: answer its hidden prompts with it.
            var interactive = new KeyboardInteractiveAuthenticationMethod(endpoint.Username);
            interactive.AuthenticationPrompt += (_, e) =>
            {
                foreach (var prompt in e.Prompts)
                {
                    prompt.Response = prompt.IsEchoed ? endpoint.Username : endpoint.Password;
                }
            };
            owned.Add(interactive);
            methods.Add(interactive);
            names.Add("password");
        }
        if (methods.Count == 0)
        {
            throw new SourceAuthenticationException(
                $"No password or private key is configured for SFTP user '{endpoint.Username}' at {endpoint.Address}.");
        }
        methodNames = string.Join(" and ", names);
        return [.. methods];
    }

    private static PrivateKeyFile ReadPrivateKey(SftpEndpoint endpoint)
    {
        // Pasted keys often lose their final newline or gain Windows line ends; both parsers are strict about neither.
        var text = endpoint.PrivateKey!.Replace("\r\n", "\n").Trim() + "\n";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        try
        {
            return string.IsNullOrEmpty(endpoint.PrivateKeyPassphrase)
                ? new PrivateKeyFile(stream)
                : new PrivateKeyFile(stream, endpoint.PrivateKeyPassphrase);
        }
        catch (SshPassPhraseNullOrEmptyException ex)
        {
            throw new SourceAuthenticationException(
                $"The SSH private key of SFTP user '{endpoint.Username}' is encrypted and no passphrase is configured.", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new SourceAuthenticationException(
                $"The SSH private key of SFTP user '{endpoint.Username}' cannot be read (wrong passphrase or unsupported format): {ex.Message}", ex);
        }
    }

    private static Exception MapConnectException(
        Exception ex, SftpEndpoint endpoint, SftpConnectOptions options, IReadOnlyList<string> pinned, string? observed,
        string methodNames, CancellationToken cancellationToken)
    {
        if (observed is not null && !pinned.Contains(observed, StringComparer.Ordinal))
        {
            return pinned.Count == 0
                ? new HostKeyNotPinnedException(observed)
                : new HostKeyMismatchException(string.Join(", ", pinned), observed);
        }
        if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException("Connecting to " + endpoint.Address + " was cancelled.", ex, cancellationToken);
        }
        return ex switch
        {
            SshAuthenticationException => new SourceAuthenticationException(
                $"The SFTP server {endpoint.Address} rejected user '{endpoint.Username}' ({methodNames} login): {ex.Message}", ex),
            OperationCanceledException or SshOperationTimeoutException or TimeoutException => new SftpConnectionException(
                $"Cannot reach {endpoint.Address}: no SSH session within {options.ConnectTimeout.TotalSeconds:0.#} s " +
                "(host down, port filtered, or our address not on the vendor's allow-list).", ex),
            SocketException socket => new SftpConnectionException(
                $"Cannot reach {endpoint.Address}: {socket.Message} ({socket.SocketErrorCode}).", ex),
            SshConnectionException connection => new SftpConnectionException(
                $"Cannot reach {endpoint.Address}: the SSH handshake failed: {connection.Message} ({connection.DisconnectReason}).", ex),
            SshException or IOException => new SftpConnectionException(
                $"Cannot reach {endpoint.Address}: {ex.Message}", ex),
            _ => ex,
        };
    }
}
