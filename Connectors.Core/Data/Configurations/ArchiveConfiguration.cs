using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Mapping;
using Connectors.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Connectors.Data.Configurations;

internal sealed class ArchivedItemConfiguration : IEntityTypeConfiguration<ArchivedItem>
{
    public void Configure(EntityTypeBuilder<ArchivedItem> builder)
    {
        builder.ToTable("archive_items");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).UseIdentityAlwaysColumn();
        // Dedup: one row per version of a source object, whichever connector or run brought it.
        builder.HasIndex(i => new { i.ItemKey, i.VersionHash }).IsUnique();
        builder.Property(i => i.VersionHash).HasMaxLength(64).IsFixedLength();
        builder.Property(i => i.RawSha256).HasMaxLength(64).IsFixedLength();
        // SHA-256 of every content column, computed by PostgreSQL on insert; the integrity verifier re-computes it.
        builder.Property(i => i.ContentHash).HasMaxLength(64).IsFixedLength().ValueGeneratedOnAdd();
        builder.Property(i => i.SourceType).HasMaxLength(40);
        builder.Property(i => i.ItemClass).HasMaxLength(100);
        builder.Property(i => i.Sender).HasColumnType("jsonb");
        builder.Property(i => i.Recipients).HasColumnType("jsonb");
        builder.Property(i => i.Attachments).HasColumnType("jsonb");
        builder.HasIndex(i => new { i.ConversationId, i.SentAt });
        builder.HasIndex(i => i.SentAt);
        // Full-text search over subject and body (the search issue builds on this; the benchmark measures with it).
        builder.Property<NpgsqlTypes.NpgsqlTsVector>("SearchVector")
            .HasColumnName("search_vector")
            .HasComputedColumnSql("to_tsvector('simple', coalesce(subject, '') || ' ' || coalesce(body_text, ''))", stored: true);
        builder.HasIndex("SearchVector").HasMethod("GIN");
        builder.HasOne<Connector>().WithMany().HasForeignKey(i => i.ConnectorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ImportRun>().WithMany().HasForeignKey(i => i.RunId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ContentBlob>().WithMany().HasForeignKey(i => i.RawSha256).OnDelete(DeleteBehavior.Restrict);
        // Chain of custody: the delivered file an item was read from. Indexed for "what came from this file".
        // A NULL reference is not checked, so items that did not come in a file pay nothing for this key.
        builder.HasIndex(i => i.EvidenceFileId).HasFilter("evidence_file_id IS NOT NULL");
        builder.HasOne<Evidence.EvidenceFile>().WithMany().HasForeignKey(i => i.EvidenceFileId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ContentBlobConfiguration : IEntityTypeConfiguration<ContentBlob>
{
    public void Configure(EntityTypeBuilder<ContentBlob> builder)
    {
        builder.ToTable("content_blobs");
        builder.HasKey(b => b.Sha256);
        builder.Property(b => b.Sha256).HasMaxLength(64).IsFixedLength();
    }
}

internal sealed class MailboxPlacementConfiguration : IEntityTypeConfiguration<MailboxPlacement>
{
    public void Configure(EntityTypeBuilder<MailboxPlacement> builder)
    {
        builder.ToTable("mailbox_placements");
        // Mailbox first: a custodian's mailbox (browsing, eDiscovery by custodian) reads one key range.
        builder.HasKey(p => new { p.AccountId, p.ItemId });
        builder.Property(p => p.Folder).HasMaxLength(100);
        // "Which mailboxes hold item X" (retention purges, item views): placements are appended in item id
        // order, so a block-range index answers it at a fraction of a B-tree's cost per inserted row.
        builder.HasIndex(p => p.ItemId).HasMethod("brin");
        // No row-by-row foreign keys here: on the hot path (one row per mailbox copy) their per-row checks cost
        // as much as the insert. The same guarantees are kept in PostgreSQL set-based instead (triggers created
        // by the Initial migration): one check per INSERT statement that every item and account exists,
        // items with placements cannot be deleted, and accounts can never be deleted (only disabled).
    }
}

internal sealed class ConnectorCursorConfiguration : IEntityTypeConfiguration<ConnectorCursor>
{
    public void Configure(EntityTypeBuilder<ConnectorCursor> builder)
    {
        builder.ToTable("connector_cursors");
        builder.HasKey(c => c.ConnectorId);
        builder.HasOne<Connector>().WithMany().HasForeignKey(c => c.ConnectorId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DirectoryAccountConfiguration : IEntityTypeConfiguration<DirectoryAccount>
{
    public void Configure(EntityTypeBuilder<DirectoryAccount> builder)
    {
        builder.ToTable("directory_accounts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Email).HasMaxLength(320);
        builder.Property(a => a.DisplayName).HasMaxLength(200);
        builder.HasIndex(a => a.Email).IsUnique();
    }
}

internal sealed class IdentityMappingConfiguration : IEntityTypeConfiguration<IdentityMapping>
{
    public void Configure(EntityTypeBuilder<IdentityMapping> builder)
    {
        builder.ToTable("identity_mappings");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).UseIdentityAlwaysColumn();
        builder.Property(m => m.SourceId).HasMaxLength(500);
        builder.Property(m => m.CreatedBy).HasMaxLength(200);
        builder.HasIndex(m => new { m.ConnectorId, m.SourceId });
        builder.HasOne<Connector>().WithMany().HasForeignKey(m => m.ConnectorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<DirectoryAccount>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class QuarantinedItemConfiguration : IEntityTypeConfiguration<QuarantinedItem>
{
    public void Configure(EntityTypeBuilder<QuarantinedItem> builder)
    {
        builder.ToTable("quarantined_items");
        builder.HasKey(q => new { q.ConnectorId, q.ItemId });
        builder.HasIndex(q => q.ConnectorId).HasFilter("released_at IS NULL");
        builder.HasOne<ArchivedItem>().WithMany().HasForeignKey(q => q.ItemId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class UnmappedIdentityConfiguration : IEntityTypeConfiguration<UnmappedIdentity>
{
    public void Configure(EntityTypeBuilder<UnmappedIdentity> builder)
    {
        builder.ToTable("unmapped_identities");
        builder.HasKey(u => new { u.ConnectorId, u.SourceId });
        builder.Property(u => u.SourceId).HasMaxLength(500);
        builder.Property(u => u.DisplayName).HasMaxLength(200);
        builder.Property(u => u.Email).HasMaxLength(320);
    }
}
