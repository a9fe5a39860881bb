using Connectors.Connectors;
using Connectors.Evidence;
using Connectors.Sources.Files;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Connectors.Data.Configurations;

internal sealed class EvidenceBlobConfiguration : IEntityTypeConfiguration<EvidenceBlob>
{
    public void Configure(EntityTypeBuilder<EvidenceBlob> builder)
    {
        builder.ToTable("evidence_blobs");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.Sha256).HasMaxLength(64).IsFixedLength();
        builder.HasIndex(b => b.Sha256).IsUnique();
    }
}

internal sealed class EvidenceChunkConfiguration : IEntityTypeConfiguration<EvidenceChunk>
{
    public void Configure(EntityTypeBuilder<EvidenceChunk> builder)
    {
        builder.ToTable("evidence_chunks");
        builder.HasKey(c => new { c.BlobId, c.Sequence });
        // Chunks are written before their blob row (the hash is known only at the end), in the same transaction:
        // their foreign key is created DEFERRABLE INITIALLY DEFERRED by the EvidenceStore migration.
    }
}

internal sealed class EvidenceFileConfiguration : IEntityTypeConfiguration<EvidenceFile>
{
    public void Configure(EntityTypeBuilder<EvidenceFile> builder)
    {
        builder.ToTable("evidence_files");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.SourcePath).HasMaxLength(1000);
        builder.Property(f => f.Sha256).HasMaxLength(64).IsFixedLength();
        builder.HasIndex(f => new { f.ConnectorId, f.ReceivedAt });
        builder.HasOne<Connector>().WithMany().HasForeignKey(f => f.ConnectorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<EvidenceBlob>().WithMany().HasForeignKey(f => f.BlobId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DeliveredFileConfiguration : IEntityTypeConfiguration<DeliveredFile>
{
    public void Configure(EntityTypeBuilder<DeliveredFile> builder)
    {
        builder.ToTable("delivered_files");
        builder.HasKey(f => new { f.ConnectorId, f.SourcePath });
        builder.Property(f => f.SourcePath).HasMaxLength(1000);
        builder.Property(f => f.Sha256).HasMaxLength(64).IsFixedLength();
        builder.HasOne<Connector>().WithMany().HasForeignKey(f => f.ConnectorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<EvidenceFile>().WithMany().HasForeignKey(f => f.EvidenceFileId).OnDelete(DeleteBehavior.Restrict);
    }
}
