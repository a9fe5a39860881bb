using Connectors.Alerts;
using Connectors.Archive;
using Connectors.Audit;
using Connectors.Connectors;
using Connectors.Evidence;
using Connectors.Sources.Files;
using Connectors.Mapping;
using Connectors.Runs;
using Connectors.Security;
using Connectors.Sources.Hr;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Data;

/// <summary>The one DbContext of the system. The Api applies its migrations; everything else waits for it.</summary>
public sealed class ConnectorsDbContext(DbContextOptions<ConnectorsDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Connector> Connectors => Set<Connector>();
    public DbSet<ImportRun> Runs => Set<ImportRun>();
    public DbSet<ImportFailure> Failures => Set<ImportFailure>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<UserAccount> Users => Set<UserAccount>();
    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();
    public DbSet<SignalUpload> SignalUploads => Set<SignalUpload>();
    public DbSet<HrSignal> HrSignals => Set<HrSignal>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<ArchivedItem> Items => Set<ArchivedItem>();
    public DbSet<ContentBlob> Blobs => Set<ContentBlob>();
    public DbSet<MailboxPlacement> Placements => Set<MailboxPlacement>();
    public DbSet<ConnectorCursor> Cursors => Set<ConnectorCursor>();
    public DbSet<DirectoryAccount> Accounts => Set<DirectoryAccount>();
    public DbSet<IdentityMapping> Mappings => Set<IdentityMapping>();
    public DbSet<QuarantinedItem> Quarantine => Set<QuarantinedItem>();
    public DbSet<UnmappedIdentity> UnmappedIdentities => Set<UnmappedIdentity>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<AlertDelivery> AlertDeliveries => Set<AlertDelivery>();
    public DbSet<WebhookSettings> WebhookSettings => Set<WebhookSettings>();
    public DbSet<EvidenceFile> EvidenceFiles => Set<EvidenceFile>();
    public DbSet<EvidenceBlob> EvidenceBlobs => Set<EvidenceBlob>();
    public DbSet<EvidenceChunk> EvidenceChunks => Set<EvidenceChunk>();
    public DbSet<DeliveredFile> DeliveredFiles => Set<DeliveredFile>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ConnectorsDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name: readable in SQL and safe against reordering.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(40);
    }
}
