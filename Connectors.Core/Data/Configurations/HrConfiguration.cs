using Connectors.Connectors;
using Connectors.Sources.Hr;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Connectors.Data.Configurations;

internal sealed class SignalUploadConfiguration : IEntityTypeConfiguration<SignalUpload>
{
    public void Configure(EntityTypeBuilder<SignalUpload> builder)
    {
        builder.ToTable("signal_uploads");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.FileName).HasMaxLength(500);
        builder.Property(u => u.Sha256).HasMaxLength(64).IsFixedLength();
        builder.Property(u => u.ReceivedBy).HasMaxLength(200);
        builder.HasOne<Connector>().WithMany().HasForeignKey(u => u.ConnectorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(u => new { u.ConnectorId, u.Status });
    }
}

internal sealed class BadgeEventConfiguration : IEntityTypeConfiguration<Sources.Badging.BadgeEvent>
{
    public void Configure(EntityTypeBuilder<Sources.Badging.BadgeEvent> builder)
    {
        builder.ToTable("badge_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).UseIdentityAlwaysColumn();
        builder.Property(e => e.DedupKey).HasMaxLength(64);
        builder.HasIndex(e => e.DedupKey).IsUnique();
        builder.Property(e => e.UserId).HasMaxLength(320);
        builder.Property(e => e.AssetId).HasMaxLength(200);
        builder.Property(e => e.AssetName).HasMaxLength(400);
        builder.Property(e => e.AccessStatus).HasMaxLength(10);
        builder.HasIndex(e => new { e.AccountId, e.EventTime });
        builder.HasIndex(e => e.ConnectorId).HasFilter("account_id IS NULL");
        builder.HasOne<Connector>().WithMany().HasForeignKey(e => e.ConnectorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<SignalUpload>().WithMany().HasForeignKey(e => e.UploadId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class HrSignalConfiguration : IEntityTypeConfiguration<HrSignal>
{
    public void Configure(EntityTypeBuilder<HrSignal> builder)
    {
        builder.ToTable("hr_signals");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).UseIdentityAlwaysColumn();
        builder.Property(s => s.DedupKey).HasMaxLength(64);
        builder.HasIndex(s => s.DedupKey).IsUnique();
        builder.Property(s => s.Scenario).HasMaxLength(40);
        builder.Property(s => s.EmailAddress).HasMaxLength(320);
        builder.Property(s => s.EventDateText).HasMaxLength(100);
        builder.Property(s => s.LastWorkingDateText).HasMaxLength(100);
        builder.Property(s => s.EffectiveDateText).HasMaxLength(100);
        builder.Property(s => s.Remarks).HasMaxLength(Sources.Hr.HrCsv.MaxRemarks);
        builder.Property(s => s.OldLevel).HasMaxLength(Sources.Hr.HrCsv.MaxLevel);
        builder.Property(s => s.NewLevel).HasMaxLength(Sources.Hr.HrCsv.MaxLevel);
        builder.Property(s => s.Rating).HasMaxLength(Sources.Hr.HrCsv.MaxRating);
        builder.Property(s => s.Profile).HasColumnType("jsonb");
        builder.HasIndex(s => s.EmailAddress);
        // The current employee profile of a person: newest refreshed profile row.
        builder.HasIndex(s => new { s.AccountId, s.RefreshedAt }).HasFilter("scenario = 'EmployeeProfile'");
    }
}
