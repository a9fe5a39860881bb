using Connectors.Alerts;
using Connectors.Archive;
using Connectors.Audit;
using Connectors.Connectors;
using Connectors.Evidence;
using Connectors.Governance;
using Connectors.Governance.Dlp;
using Connectors.Governance.Holds;
using Connectors.Governance.Integrity;
using Connectors.Governance.Retention;
using Connectors.Governance.Supervision;
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
    public DbSet<Sources.Badging.BadgeEvent> BadgeEvents => Set<Sources.Badging.BadgeEvent>();
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
    public DbSet<RetentionPolicy> RetentionPolicies => Set<RetentionPolicy>();
    public DbSet<DispositionReview> DispositionReviews => Set<DispositionReview>();
    public DbSet<LegalHold> LegalHolds => Set<LegalHold>();
    public DbSet<DlpCustomType> DlpCustomTypes => Set<DlpCustomType>();
    public DbSet<DlpPolicy> DlpPolicies => Set<DlpPolicy>();
    public DbSet<DlpMatch> DlpMatches => Set<DlpMatch>();
    public DbSet<LexiconDefinition> Lexicons => Set<LexiconDefinition>();
    public DbSet<SupervisionPolicy> SupervisionPolicies => Set<SupervisionPolicy>();
    public DbSet<ReviewItem> ReviewItems => Set<ReviewItem>();
    public DbSet<ReviewAction> ReviewActions => Set<ReviewAction>();
    public DbSet<IntegrityCheck> IntegrityChecks => Set<IntegrityCheck>();
    public DbSet<PolicyEvaluation> PolicyEvaluations => Set<PolicyEvaluation>();
    public DbSet<InsiderRisk.RiskAlert> RiskAlerts => Set<InsiderRisk.RiskAlert>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ConnectorsDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name: readable in SQL and safe against reordering.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(40);
    }
}
