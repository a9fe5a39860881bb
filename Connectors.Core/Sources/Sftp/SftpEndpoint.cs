namespace Connectors.Sources.Sftp;

/// <summary>
/// Where and how to log in to a vendor's SFTP site.
/// </summary>
/// <param name="Host">Host name or address.</param>
/// <param name="Port">TCP port (22 for most vendors).</param>
/// <param name="Username">The login the vendor assigned.</param>
/// <param name="HostKeySha256">
/// The pinned server host key fingerprint in OpenSSH format, <c>SHA256:&lt;base64 without padding&gt;</c> (what
/// <c>ssh-keygen -lf</c> prints). <see langword="null"/> refuses every connection with a
/// <see cref="HostKeyNotPinnedException"/> that carries the fingerprint the server presented, for the admin to
/// check and pin.
/// </param>
/// <param name="Password">Password login, if the vendor uses one (also answers keyboard-interactive prompts).</param>
/// <param name="PrivateKey">The client key as OpenSSH or PEM text, for key login (what vendors such as Bloomberg require).</param>
/// <param name="PrivateKeyPassphrase">The passphrase of <paramref name="PrivateKey"/>, if it is encrypted.</param>
public sealed record SftpEndpoint(
    string Host,
    int Port,
    string Username,
    string? HostKeySha256,
    string? Password,
    string? PrivateKey,
    string? PrivateKeyPassphrase)
{
    /// <summary>The address for messages: <c>sftp://host:port</c> (never credentials).</summary>
    public string Address => $"sftp://{Host}:{Port}";

    // Keep secrets out of logs: the generated ToString would print the password and the private key.
    public override string ToString() =>
        $"{Address} as {Username} (host key {HostKeySha256 ?? "not pinned"}, " +
        $"{(PrivateKey is null ? "" : "key")}{(PrivateKey is not null && Password is not null ? "+" : "")}{(Password is null ? "" : "password")} login)";
}

/// <summary>A regular file found on the SFTP site.</summary>
/// <param name="Path">The full remote path, to pass to <see cref="SftpFileStore.OpenRead"/>.</param>
/// <param name="Name">The file name (last path segment).</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="ModifiedUtc">Last modification time reported by the server (UTC, second precision).</param>
public sealed record RemoteFile(string Path, string Name, long Size, DateTimeOffset ModifiedUtc);
