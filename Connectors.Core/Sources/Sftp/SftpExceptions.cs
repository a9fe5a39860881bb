namespace Connectors.Sources.Sftp;

/// <summary>
/// The SFTP site could not be used: unreachable, the handshake failed, the host key is not trusted, or a
/// configured folder is missing. Authentication failures are
/// <see cref="Connectors.Imports.SourceAuthenticationException"/> instead (the connector needs new credentials).
/// </summary>
public class SftpConnectionException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// The server presented a host key other than the pinned one: possibly a man in the middle, possibly a key
/// rotation by the vendor. Nothing was sent to the server (no credentials, no listing).
/// </summary>
public sealed class HostKeyMismatchException(string expected, string actual)
    : SftpConnectionException($"The SFTP server's host key changed: expected {expected}, got {actual}. " +
        "If the vendor confirms a key rotation, pin the new fingerprint.")
{
    /// <summary>The pinned fingerprint (<c>SHA256:…</c>).</summary>
    public string Expected { get; } = expected;

    /// <summary>The fingerprint the server presented (<c>SHA256:…</c>).</summary>
    public string Actual { get; } = actual;
}

/// <summary>
/// No host key is pinned for the endpoint, so the connection was refused before authenticating. <see cref="Actual"/>
/// is what the server presented: show it to the administrator to compare with the vendor's and pin.
/// </summary>
public sealed class HostKeyNotPinnedException(string actual)
    : SftpConnectionException($"No host key is pinned for this SFTP server; it presented {actual}. " +
        "Confirm the fingerprint with the vendor and pin it.")
{
    /// <summary>The fingerprint the server presented (<c>SHA256:…</c>).</summary>
    public string Actual { get; } = actual;
}
