using Connectors.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Connectors.Data.Configurations;

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> builder)
    {
        builder.ToTable("alerts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).UseIdentityAlwaysColumn();
        builder.Property(a => a.Reason).HasMaxLength(4000);
        builder.Property(a => a.AcknowledgedBy).HasMaxLength(200);
        builder.Property(a => a.ResolvedBy).HasMaxLength(200);
        // One open (or acknowledged) alert per connector and kind: raising it again updates that one.
        builder.HasIndex(a => new { a.ConnectorId, a.Kind }).IsUnique().HasFilter("status <> 'Resolved'").AreNullsDistinct(false);
        builder.HasIndex(a => new { a.Status, a.Id });
    }
}

internal sealed class AlertDeliveryConfiguration : IEntityTypeConfiguration<AlertDelivery>
{
    public void Configure(EntityTypeBuilder<AlertDelivery> builder)
    {
        builder.ToTable("alert_deliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).UseIdentityAlwaysColumn();
        builder.Property(d => d.Payload).HasColumnType("jsonb");
        builder.Property(d => d.LastError).HasMaxLength(2000);
        builder.HasIndex(d => d.NextAttemptAt).HasFilter("delivered_at IS NULL AND abandoned_at IS NULL");
        builder.HasOne<Alert>().WithMany().HasForeignKey(d => d.AlertId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class WebhookSettingsConfiguration : IEntityTypeConfiguration<WebhookSettings>
{
    public void Configure(EntityTypeBuilder<WebhookSettings> builder)
    {
        builder.ToTable("webhook_settings");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Id).ValueGeneratedNever();
        builder.Property(w => w.Url).HasMaxLength(2000);
    }
}
