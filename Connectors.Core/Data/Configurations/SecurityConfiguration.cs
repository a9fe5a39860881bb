using Connectors.Audit;
using Connectors.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Connectors.Data.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Name).HasMaxLength(200);
        builder.Property(k => k.KeyHint).HasMaxLength(20);
        builder.Property(k => k.CreatedBy).HasMaxLength(200);
        builder.HasIndex(k => k.KeyHash).IsUnique();
    }
}

internal sealed class UserAccountConfiguration : IEntityTypeConfiguration<UserAccount>
{
    public void Configure(EntityTypeBuilder<UserAccount> builder)
    {
        builder.ToTable("users");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.UserName).HasMaxLength(200);
        builder.Property(u => u.DisplayName).HasMaxLength(200);
        builder.Property(u => u.PasswordHash).HasMaxLength(500);
        builder.HasIndex(u => u.UserName).IsUnique();
    }
}

internal sealed class AuditRecordConfiguration : IEntityTypeConfiguration<AuditRecord>
{
    public void Configure(EntityTypeBuilder<AuditRecord> builder)
    {
        builder.ToTable("audit_records");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).UseIdentityAlwaysColumn();
        builder.Property(a => a.Actor).HasMaxLength(200);
        builder.Property(a => a.ClientAddress).HasMaxLength(100);
        builder.Property(a => a.Action).HasMaxLength(100);
        builder.Property(a => a.TargetType).HasMaxLength(100);
        builder.Property(a => a.TargetId).HasMaxLength(200);
        builder.Property(a => a.Details).HasColumnType("jsonb");
        builder.HasIndex(a => a.At);
        // The hash chain is computed by PostgreSQL on insert (trigger in the Governance migration), in commit order.
        builder.Property(a => a.Seq).ValueGeneratedOnAdd()
            .HasAnnotation("Npgsql:ValueGenerationStrategy",
                Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.None);
        builder.Property(a => a.PrevHash).HasMaxLength(64).IsFixedLength().ValueGeneratedOnAdd();
        builder.Property(a => a.Hash).HasMaxLength(64).IsFixedLength().ValueGeneratedOnAdd();
        builder.HasIndex(a => a.Seq).IsUnique();
        // Two records naming the same predecessor would fork the chain: refused.
        builder.HasIndex(a => a.PrevHash).IsUnique();
    }
}
