using Connectors.Archive;
using Connectors.Governance;
using Connectors.Governance.Dlp;
using Connectors.Governance.Holds;
using Connectors.Governance.Integrity;
using Connectors.Governance.Retention;
using Connectors.Governance.Supervision;
using Connectors.Connectors;
using Connectors.Mapping;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Connectors.Data.Configurations;

internal sealed class RetentionPolicyConfiguration : IEntityTypeConfiguration<RetentionPolicy>
{
    public void Configure(EntityTypeBuilder<RetentionPolicy> builder)
    {
        builder.ToTable("retention_policies");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Name).HasMaxLength(200);
        builder.HasIndex(p => p.Name).IsUnique();
        builder.Property(p => p.ScopeValue).HasMaxLength(200);
        builder.Property(p => p.CreatedBy).HasMaxLength(200);
    }
}

internal sealed class DispositionReviewConfiguration : IEntityTypeConfiguration<DispositionReview>
{
    public void Configure(EntityTypeBuilder<DispositionReview> builder)
    {
        builder.ToTable("disposition_reviews");
        builder.HasKey(r => r.ItemId);
        builder.Property(r => r.Version).IsRowVersion();
        builder.HasIndex(r => new { r.State, r.DueAt });
        builder.Property(r => r.DecidedBy).HasMaxLength(200);
        builder.Property(r => r.Notes).HasMaxLength(2000);
        builder.HasOne<ArchivedItem>().WithMany().HasForeignKey(r => r.ItemId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<RetentionPolicy>().WithMany().HasForeignKey(r => r.PolicyId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class LegalHoldConfiguration : IEntityTypeConfiguration<LegalHold>
{
    public void Configure(EntityTypeBuilder<LegalHold> builder)
    {
        builder.ToTable("legal_holds");
        builder.HasKey(h => h.Id);
        builder.Property(h => h.Version).IsRowVersion();
        builder.Property(h => h.Name).HasMaxLength(200);
        builder.Property(h => h.Description).HasMaxLength(2000);
        builder.Property(h => h.SourceType).HasMaxLength(40);
        builder.Property(h => h.CreatedBy).HasMaxLength(200);
        builder.Property(h => h.ReleasedBy).HasMaxLength(200);
        builder.Property(h => h.ReleaseReason).HasMaxLength(2000);
        builder.Ignore(h => h.Active);
        builder.HasIndex(h => h.AccountId).HasFilter("released_at IS NULL");
        builder.HasOne<DirectoryAccount>().WithMany().HasForeignKey(h => h.AccountId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Connector>().WithMany().HasForeignKey(h => h.ConnectorId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DlpCustomTypeConfiguration : IEntityTypeConfiguration<DlpCustomType>
{
    public void Configure(EntityTypeBuilder<DlpCustomType> builder)
    {
        builder.ToTable("dlp_custom_types");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.HasIndex(t => t.Name).IsUnique();
        builder.Property(t => t.Pattern).HasMaxLength(1000);
        builder.Property(t => t.CreatedBy).HasMaxLength(200);
        builder.Ignore(t => t.TypeId);
    }
}

internal sealed class DlpPolicyConfiguration : IEntityTypeConfiguration<DlpPolicy>
{
    public void Configure(EntityTypeBuilder<DlpPolicy> builder)
    {
        builder.ToTable("dlp_policies");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Name).HasMaxLength(200);
        builder.HasIndex(p => p.Name).IsUnique();
        builder.Property(p => p.CreatedBy).HasMaxLength(200);
    }
}

internal sealed class DlpMatchConfiguration : IEntityTypeConfiguration<DlpMatch>
{
    public void Configure(EntityTypeBuilder<DlpMatch> builder)
    {
        builder.ToTable("dlp_matches");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).UseIdentityAlwaysColumn();
        builder.Property(m => m.InfoType).HasMaxLength(140);
        builder.Property(m => m.Locations).HasColumnType("jsonb");
        // Re-evaluating a policy over the same item records each type once.
        builder.HasIndex(m => new { m.ItemId, m.PolicyId, m.InfoType }).IsUnique();
        builder.HasIndex(m => new { m.PolicyId, m.Id });
        builder.HasOne<ArchivedItem>().WithMany().HasForeignKey(m => m.ItemId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<DlpPolicy>().WithMany().HasForeignKey(m => m.PolicyId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class LexiconDefinitionConfiguration : IEntityTypeConfiguration<LexiconDefinition>
{
    public void Configure(EntityTypeBuilder<LexiconDefinition> builder)
    {
        builder.ToTable("lexicons");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Name).HasMaxLength(200);
        builder.HasIndex(l => l.Name).IsUnique();
        builder.Property(l => l.CreatedBy).HasMaxLength(200);
    }
}

internal sealed class SupervisionPolicyConfiguration : IEntityTypeConfiguration<SupervisionPolicy>
{
    public void Configure(EntityTypeBuilder<SupervisionPolicy> builder)
    {
        builder.ToTable("supervision_policies");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Name).HasMaxLength(200);
        builder.HasIndex(p => p.Name).IsUnique();
        builder.Property(p => p.CreatedBy).HasMaxLength(200);
        builder.Ignore(p => p.Scope);
    }
}

internal sealed class ReviewItemConfiguration : IEntityTypeConfiguration<ReviewItem>
{
    public void Configure(EntityTypeBuilder<ReviewItem> builder)
    {
        builder.ToTable("review_items");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Version).IsRowVersion();
        builder.Property(r => r.Id).UseIdentityAlwaysColumn();
        builder.Property(r => r.Hits).HasColumnType("jsonb");
        builder.HasIndex(r => new { r.PolicyId, r.ItemId }).IsUnique();
        builder.HasIndex(r => new { r.State, r.Id });
        // No foreign key to the item: the supervision record (and its actions) outlives an item that retention
        // later deletes, as FINRA expects the review to stay documented.
        builder.HasIndex(r => r.ItemId);
        builder.HasOne<SupervisionPolicy>().WithMany().HasForeignKey(r => r.PolicyId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReviewActionConfiguration : IEntityTypeConfiguration<ReviewAction>
{
    public void Configure(EntityTypeBuilder<ReviewAction> builder)
    {
        builder.ToTable("review_actions");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).UseIdentityAlwaysColumn();
        builder.Property(a => a.Reviewer).HasMaxLength(200);
        builder.Property(a => a.Notes).HasMaxLength(4000);
        builder.HasIndex(a => a.ReviewItemId);
        builder.HasOne<ReviewItem>().WithMany().HasForeignKey(a => a.ReviewItemId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class IntegrityCheckConfiguration : IEntityTypeConfiguration<IntegrityCheck>
{
    public void Configure(EntityTypeBuilder<IntegrityCheck> builder)
    {
        builder.ToTable("integrity_checks");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).UseIdentityAlwaysColumn();
        builder.Property(c => c.RequestedBy).HasMaxLength(200);
        builder.Property(c => c.AuditHeadHash).HasMaxLength(64).IsFixedLength();
        builder.Property(c => c.Problems).HasColumnType("jsonb");
        builder.HasIndex(c => c.Status).HasFilter("status IN ('Queued', 'Running')");
    }
}

internal sealed class RiskAlertConfiguration : IEntityTypeConfiguration<InsiderRisk.RiskAlert>
{
    public void Configure(EntityTypeBuilder<InsiderRisk.RiskAlert> builder)
    {
        builder.ToTable("risk_alerts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).UseIdentityAlwaysColumn();
        builder.Property(a => a.Key).HasMaxLength(200);
        builder.HasIndex(a => a.Key).IsUnique();
        builder.Property(a => a.Policy).HasMaxLength(40);
        builder.Property(a => a.Contributions).HasColumnType("jsonb");
        builder.Property(a => a.TriagedBy).HasMaxLength(200);
        builder.Property(a => a.TriageNotes).HasMaxLength(4000);
        builder.Property(a => a.Version).IsRowVersion();
        builder.HasIndex(a => new { a.State, a.Id });
        builder.HasOne<DirectoryAccount>().WithMany().HasForeignKey(a => a.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PolicyEvaluationConfiguration : IEntityTypeConfiguration<PolicyEvaluation>
{
    public void Configure(EntityTypeBuilder<PolicyEvaluation> builder)
    {
        builder.ToTable("policy_evaluations");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).UseIdentityAlwaysColumn();
        builder.Property(e => e.RequestedBy).HasMaxLength(200);
        builder.Property(e => e.Error).HasMaxLength(4000);
        builder.HasIndex(e => e.Status).HasFilter("status IN ('Queued', 'Running')");
    }
}
