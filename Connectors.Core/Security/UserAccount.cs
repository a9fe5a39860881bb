namespace Connectors.Security;

/// <summary>A local sign-in account of the status site.</summary>
public sealed class UserAccount
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>Stored lower-case; sign-in is case-insensitive on the name.</summary>
    public required string UserName { get; set; }
    public required string DisplayName { get; set; }
    public required string PasswordHash { get; set; }
    public Role Role { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
}
