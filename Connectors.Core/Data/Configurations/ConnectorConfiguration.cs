using Connectors.Connectors;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Connectors.Data.Configurations;

internal sealed class ConnectorConfiguration : IEntityTypeConfiguration<Connector>
{
    public void Configure(EntityTypeBuilder<Connector> builder)
    {
        builder.ToTable("connectors");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.Type).HasMaxLength(40);
        builder.Property(c => c.Settings).HasColumnType("jsonb");
        builder.Property(c => c.Mapping).HasColumnType("jsonb");
        builder.Property(c => c.LastError).HasMaxLength(4000);
        builder.OwnsOne(c => c.Schedule, s =>
        {
            s.Property(x => x.Interval).HasColumnName("schedule_interval");
            s.Property(x => x.Cron).HasColumnName("schedule_cron").HasMaxLength(100);
            s.Property(x => x.TimeZone).HasColumnName("schedule_time_zone").HasMaxLength(100);
        });
        builder.Navigation(c => c.Schedule).IsRequired();
        builder.Ignore(c => c.Status);
        // The scheduler's query: enabled, not deleted, due or requested.
        builder.HasIndex(c => c.NextRunAt).HasFilter("deleted_at IS NULL AND enabled");
        builder.HasIndex(c => c.RunRequestedAt).HasFilter("deleted_at IS NULL AND enabled AND run_requested_at IS NOT NULL");
    }
}
