using Connectors.Connectors;
using Connectors.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Connectors.Data.Configurations;

internal sealed class RunConfiguration : IEntityTypeConfiguration<ImportRun>
{
    public void Configure(EntityTypeBuilder<ImportRun> builder)
    {
        builder.ToTable("import_runs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).UseIdentityAlwaysColumn();
        builder.Property(r => r.WorkerId).HasMaxLength(200);
        builder.Property(r => r.Error).HasMaxLength(4000);
        builder.Property(r => r.ReconciliationDetail).HasMaxLength(4000);
        // Runs outlive their connector's configuration: no cascade, and deleting a connector keeps its row.
        builder.HasOne<Connector>().WithMany().HasForeignKey(r => r.ConnectorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => new { r.ConnectorId, r.Id }).IsDescending(false, true);
        builder.ComplexProperty(r => r.Counts, c =>
        {
            c.Property(x => x.ItemsFromSource).HasColumnName("items_from_source");
            c.Property(x => x.ItemsParsed).HasColumnName("items_parsed");
            c.Property(x => x.ItemsFailedToParse).HasColumnName("items_failed_to_parse");
            c.Property(x => x.ItemsForImport).HasColumnName("items_for_import");
            c.Property(x => x.ItemsImported).HasColumnName("items_imported");
            c.Property(x => x.ItemsPartiallyImported).HasColumnName("items_partially_imported");
            c.Property(x => x.ItemsSkippedDuplicate).HasColumnName("items_skipped_duplicate");
            c.Property(x => x.ItemsFailed).HasColumnName("items_failed");
            c.Property(x => x.ItemsQuarantined).HasColumnName("items_quarantined");
            c.Property(x => x.ItemsExcluded).HasColumnName("items_excluded");
        });
    }
}

internal sealed class FailureConfiguration : IEntityTypeConfiguration<ImportFailure>
{
    public void Configure(EntityTypeBuilder<ImportFailure> builder)
    {
        builder.ToTable("import_failures");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).UseIdentityAlwaysColumn();
        builder.Property(f => f.ItemId).HasMaxLength(500);
        builder.Property(f => f.SourceFile).HasMaxLength(500);
        builder.Property(f => f.Field).HasMaxLength(200);
        builder.Property(f => f.SourceUser).HasMaxLength(500);
        builder.Property(f => f.MappedAccount).HasMaxLength(500);
        builder.Property(f => f.Reason).HasMaxLength(2000);
        builder.HasOne<ImportRun>().WithMany().HasForeignKey(f => f.RunId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(f => new { f.RunId, f.Id });
    }
}
