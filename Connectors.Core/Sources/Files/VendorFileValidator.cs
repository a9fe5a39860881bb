using Connectors.Imports;
using Connectors.Sources.Sftp;

namespace Connectors.Sources.Files;

/// <summary>One check of "validate connection": what was checked, whether it passed, and what to fix.</summary>
public sealed record ValidationCheck(string Name, ValidationCheckResult Result, string Detail, string? Field = null);

public enum ValidationCheckResult
{
    Passed,
    Failed,
    Warning,
    /// <summary>Not run because an earlier check failed (or nothing to check).</summary>
    Skipped,
}

/// <summary>The result of validating a vendor file connector, check by check.</summary>
public sealed record ValidationReport(bool Succeeded, IReadOnlyList<ValidationCheck> Checks, string? ServerHostKey);

/// <summary>
/// "Validate connection" for SFTP connectors: reaches the host, checks the pinned host key, logs in, lists the
/// folder, checks the PGP key (passphrase, expiry) and decrypts a delivered file if there is one. Each problem
/// is reported precisely, with the setting or credential at fault.
/// </summary>
public static class VendorFileValidator
{
    /// <summary>The sample file is decrypted to its end (verifying its integrity) up to this size; a larger one only its start.</summary>
    public const long MaxVerifiedSampleBytes = 256L * 1024 * 1024;

    public static async Task<ValidationReport> ValidateAsync(string type, VendorFileSettings settings, VendorFileCredentials credentials,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var checks = new List<ValidationCheck>();
        string? serverKey = null;
        var pgp = CheckKey(settings, credentials, now, checks);
        SftpFileStore? store = null;
        try
        {
            store = await SftpFileStore.ConnectAsync(settings.Endpoint(credentials), cancellationToken);
            serverKey = store.ServerFingerprint;
            checks.Add(new("connect", ValidationCheckResult.Passed, $"Reached {settings.Host}:{settings.Port}."));
            checks.Add(new("hostKey", ValidationCheckResult.Passed, $"The server presented the pinned key {serverKey}."));
            checks.Add(new("login", ValidationCheckResult.Passed, $"Logged in as {settings.Username}."));
        }
        catch (HostKeyMismatchException ex)
        {
            serverKey = ex.Actual;
            checks.Add(new("connect", ValidationCheckResult.Passed, $"Reached {settings.Host}:{settings.Port}."));
            checks.Add(new("hostKey", ValidationCheckResult.Failed, ex.Message + " Check with the vendor before pinning the new key.", "settings.hostKeySha256"));
        }
        catch (HostKeyNotPinnedException ex)
        {
            serverKey = ex.Actual;
            checks.Add(new("connect", ValidationCheckResult.Passed, $"Reached {settings.Host}:{settings.Port}."));
            checks.Add(new("hostKey", ValidationCheckResult.Failed,
                $"No host key is pinned. The server presents {ex.Actual}: confirm it with the vendor, then set it.", "settings.hostKeySha256"));
        }
        catch (SourceAuthenticationException ex) when (ex.InnerException is not Renci.SshNet.Common.SshAuthenticationException)
        {
            // Refused before contacting the server (no password or key, or a key that cannot be read): say only that.
            checks.Add(new("login", ValidationCheckResult.Failed, ex.Message,
                credentials.PrivateKey is not null ? "credentials.privateKey" : "credentials.password"));
        }
        catch (SourceAuthenticationException ex)
        {
            checks.Add(new("connect", ValidationCheckResult.Passed, $"Reached {settings.Host}:{settings.Port}."));
            checks.Add(new("hostKey", ValidationCheckResult.Passed, "The server presented the pinned key."));
            checks.Add(new("login", ValidationCheckResult.Failed, ex.Message,
                credentials.PrivateKey is not null ? "credentials.privateKey" : "credentials.password"));
        }
        catch (SftpConnectionException ex)
        {
            checks.Add(new("connect", ValidationCheckResult.Failed, ex.Message, "settings.host"));
        }
        try
        {
            if (store is not null)
            {
                await CheckFolderAsync(type, settings, store, pgp, checks, cancellationToken);
            }
        }
        finally
        {
            store?.Dispose();
        }
        foreach (var name in new[] { "connect", "hostKey", "login", "folder", "decrypt" })
        {
            if (!checks.Any(c => c.Name == name))
            {
                checks.Add(new(name, ValidationCheckResult.Skipped, "Not checked: an earlier check failed."));
            }
        }
        return new ValidationReport(checks.All(c => c.Result != ValidationCheckResult.Failed), checks, serverKey);
    }

    private static PgpPrivateKeyMaterial? CheckKey(VendorFileSettings settings, VendorFileCredentials credentials, DateTimeOffset now,
        List<ValidationCheck> checks)
    {
        if (credentials.PgpPrivateKey is null)
        {
            checks.Add(new("pgpKey", ValidationCheckResult.Warning,
                "No PGP private key: encrypted files (*.gpg) cannot be read. Vendors deliver encrypted files.", "credentials.pgpPrivateKey"));
            return null;
        }
        var pgp = new PgpPrivateKeyMaterial(credentials.PgpPrivateKey, credentials.PgpPassphrase ?? "");
        try
        {
            var info = PgpDecryptor.Inspect(pgp);
            if (!info.PassphraseOk)
            {
                checks.Add(new("pgpKey", ValidationCheckResult.Failed, $"The passphrase does not unlock PGP key {info.KeyId}.", "credentials.pgpPassphrase"));
                return null;
            }
            checks.Add(info.Expires is { } expires && expires - now <= TimeSpan.FromDays(settings.KeyExpiryWarningDays)
                ? new("pgpKey", expires <= now ? ValidationCheckResult.Failed : ValidationCheckResult.Warning,
                    $"PGP key {info.KeyId} {(expires <= now ? "expired" : "expires")} on {expires:u}.", "credentials.pgpPrivateKey")
                : new("pgpKey", ValidationCheckResult.Passed,
                    $"PGP key {info.KeyId} unlocks; {(info.Expires is { } e ? $"it expires on {e:u}" : "it does not expire")}."));
            return pgp;
        }
        catch (PgpDecryptionException ex)
        {
            checks.Add(new("pgpKey", ValidationCheckResult.Failed, ex.Message, "credentials.pgpPrivateKey"));
            return null;
        }
    }

    private static async Task CheckFolderAsync(string type, VendorFileSettings settings, SftpFileStore store, PgpPrivateKeyMaterial? pgp,
        List<ValidationCheck> checks, CancellationToken cancellationToken)
    {
        IReadOnlyList<RemoteFile> files;
        try
        {
            files = await store.ListAsync(settings.RemoteFolder, settings.PatternsFor(type), settings.Recursive, cancellationToken);
        }
        catch (SftpConnectionException ex)
        {
            checks.Add(new("folder", ValidationCheckResult.Failed, ex.Message, "settings.remoteFolder"));
            return;
        }
        checks.Add(new("folder", ValidationCheckResult.Passed,
            $"{settings.RemoteFolder} lists {files.Count} file(s) matching {string.Join(", ", settings.PatternsFor(type))}."));
        var sample = files.Where(f => PgpDecryptor.LooksEncrypted(f.Name)).MinBy(f => f.Size);
        if (sample is null)
        {
            checks.Add(new("decrypt", ValidationCheckResult.Skipped, "No encrypted file to try yet."));
            return;
        }
        if (pgp is null)
        {
            checks.Add(new("decrypt", ValidationCheckResult.Failed, $"{sample.Name} is encrypted but no usable PGP key is configured.", "credentials.pgpPrivateKey"));
            return;
        }
        try
        {
            await using var remote = await store.OpenReadAsync(sample.Path, cancellationToken);
            await using var plain = PgpDecryptor.OpenDecrypted(remote, pgp);
            // The integrity check (MDC) comes at the end of the message: a tampered file decrypts its start without error.
            var whole = sample.Size <= MaxVerifiedSampleBytes;
            var buffer = new byte[64 * 1024];
            long read = 0;
            int chunk;
            while ((chunk = await plain.ReadAsync(buffer, cancellationToken)) > 0)
            {
                read += chunk;
                if (!whole)
                {
                    break;
                }
            }
            checks.Add(new("decrypt", ValidationCheckResult.Passed, whole
                ? $"Decrypted {sample.Name} ({read:N0} bytes) and verified its integrity."
                : $"Decrypted the start of {sample.Name} ({read:N0} bytes read); its integrity is verified when it is imported."));
        }
        catch (PgpDecryptionException ex)
        {
            // A damaged or altered file is no setting's fault: only a key that does not fit is.
            checks.Add(new("decrypt", ValidationCheckResult.Failed, $"{sample.Name}: {ex.Message}",
                ex.Reason == PgpFailureReason.IntegrityCheckFailed ? null : "credentials.pgpPrivateKey"));
        }
        catch (FileNotFoundException)
        {
            // The vendor moved or deleted the file between the listing and the read: nothing to decrypt now.
            checks.Add(new("decrypt", ValidationCheckResult.Skipped, $"{sample.Name} disappeared before it could be read; validate again."));
        }
    }
}
