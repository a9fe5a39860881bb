using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Connectors.Data.Migrations
{
    /// <inheritdoc />
    public partial class Governance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "hash",
                table: "audit_records",
                type: "character(64)",
                fixedLength: true,
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "prev_hash",
                table: "audit_records",
                type: "character(64)",
                fixedLength: true,
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "seq",
                table: "audit_records",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "content_hash",
                table: "archive_items",
                type: "character(64)",
                fixedLength: true,
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "dlp_custom_types",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    pattern = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    keywords = table.Column<List<string>>(type: "text[]", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dlp_custom_types", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "dlp_policies",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    info_types = table.Column<List<string>>(type: "text[]", nullable: false),
                    connector_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    source_types = table.Column<List<string>>(type: "text[]", nullable: false),
                    minimum_count = table.Column<int>(type: "integer", nullable: false),
                    minimum_confidence = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    action = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dlp_policies", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "integrity_checks",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    requested_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    items_checked = table.Column<long>(type: "bigint", nullable: false),
                    blobs_checked = table.Column<long>(type: "bigint", nullable: false),
                    audit_records_checked = table.Column<long>(type: "bigint", nullable: false),
                    audit_head_hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: true),
                    problems = table.Column<string>(type: "jsonb", nullable: false),
                    problem_count = table.Column<int>(type: "integer", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_integrity_checks", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "legal_holds",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    account_id = table.Column<Guid>(type: "uuid", nullable: true),
                    connector_id = table.Column<Guid>(type: "uuid", nullable: true),
                    source_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    sent_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sent_to = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    released_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    released_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    release_reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_legal_holds", x => x.id);
                    table.ForeignKey(
                        name: "fk_legal_holds_connectors_connector_id",
                        column: x => x.connector_id,
                        principalTable: "connectors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_legal_holds_directory_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "directory_accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "lexicons",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    terms = table.Column<List<string>>(type: "text[]", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lexicons", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "policy_evaluations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    policy_id = table.Column<Guid>(type: "uuid", nullable: false),
                    requested_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    items_scanned = table.Column<long>(type: "bigint", nullable: false),
                    items_matched = table.Column<long>(type: "bigint", nullable: false),
                    last_item_id = table.Column<long>(type: "bigint", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    error = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_policy_evaluations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "retention_policies",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    scope = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    scope_value = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    retain_for = table.Column<TimeSpan>(type: "interval", nullable: false),
                    action = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_retention_policies", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "supervision_policies",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    lexicon_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    source_types = table.Column<List<string>>(type: "text[]", nullable: false),
                    people = table.Column<List<string>>(type: "text[]", nullable: false),
                    sampling_percent = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_supervision_policies", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "dlp_matches",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    item_id = table.Column<long>(type: "bigint", nullable: false),
                    policy_id = table.Column<Guid>(type: "uuid", nullable: false),
                    info_type = table.Column<string>(type: "character varying(140)", maxLength: 140, nullable: false),
                    count = table.Column<int>(type: "integer", nullable: false),
                    confidence = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    locations = table.Column<string>(type: "jsonb", nullable: false),
                    connector_id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<long>(type: "bigint", nullable: true),
                    detected_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dlp_matches", x => x.id);
                    table.ForeignKey(
                        name: "fk_dlp_matches_archive_items_item_id",
                        column: x => x.item_id,
                        principalTable: "archive_items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_dlp_matches_dlp_policies_policy_id",
                        column: x => x.policy_id,
                        principalTable: "dlp_policies",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "disposition_reviews",
                columns: table => new
                {
                    item_id = table.Column<long>(type: "bigint", nullable: false),
                    policy_id = table.Column<Guid>(type: "uuid", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    state = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    notes = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    retain_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_disposition_reviews", x => x.item_id);
                    table.ForeignKey(
                        name: "fk_disposition_reviews_archive_items_item_id",
                        column: x => x.item_id,
                        principalTable: "archive_items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_disposition_reviews_retention_policies_policy_id",
                        column: x => x.policy_id,
                        principalTable: "retention_policies",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "review_items",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    policy_id = table.Column<Guid>(type: "uuid", nullable: false),
                    item_id = table.Column<long>(type: "bigint", nullable: false),
                    hits = table.Column<string>(type: "jsonb", nullable: false),
                    state = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    flagged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    run_id = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_review_items", x => x.id);
                    table.ForeignKey(
                        name: "fk_review_items_supervision_policies_policy_id",
                        column: x => x.policy_id,
                        principalTable: "supervision_policies",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "review_actions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    review_item_id = table.Column<long>(type: "bigint", nullable: false),
                    action = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    from_state = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    to_state = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    reviewer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    notes = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_review_actions", x => x.id);
                    table.ForeignKey(
                        name: "fk_review_actions_review_items_review_item_id",
                        column: x => x.review_item_id,
                        principalTable: "review_items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            // Integrity in PostgreSQL (SEC 17a-4(f) audit-trail alternative):
            // - every archive item carries the SHA-256 of its content columns, computed here on insert;
            // - the audit trail is a hash chain in commit order, append-only;
            // - archived items and content cannot be updated, and are deleted only through purge_archive_item,
            //   which the retention sweeper calls: it refuses held items and items pending review, and audits
            //   every deletion in the same transaction;
            // - held items cannot be deleted by any path: the delete triggers check the holds themselves.
            migrationBuilder.Sql("""
                -- The canonical form is a JSON array of the content columns (times as epoch seconds, so the session's
                -- time zone cannot change it). The trigger spells the same expression out rather than calling the
                -- function: PL/pgSQL evaluates it as a simple expression, several times cheaper per row on the hot path.
                -- The verifier recomputes with the function, so any drift between the two shows as a failed check.
                CREATE FUNCTION archive_item_content_hash(i archive_items) RETURNS character(64) LANGUAGE sql STABLE AS $$
                    SELECT encode(sha256(convert_to(json_build_array(
                        i.item_key, i.version_hash, i.version_kind, i.connector_id, i.run_id, i.source_type, i.item_class,
                        i.source_account, i.source_id, i.conversation_id, i.thread_id, i.parent_id, i.sender, i.recipients,
                        extract(epoch FROM i.sent_at), i.sent_at_text, extract(epoch FROM i.ingested_at), i.subject, i.body_text,
                        i.body_html, i.attachments, i.raw_sha256, i.raw_size, i.partial_reason, i.evidence_file_id)::text, 'UTF8')), 'hex')
                $$;
                CREATE FUNCTION archive_items_set_content_hash() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.content_hash := encode(sha256(convert_to(json_build_array(
                        NEW.item_key, NEW.version_hash, NEW.version_kind, NEW.connector_id, NEW.run_id, NEW.source_type, NEW.item_class,
                        NEW.source_account, NEW.source_id, NEW.conversation_id, NEW.thread_id, NEW.parent_id, NEW.sender, NEW.recipients,
                        extract(epoch FROM NEW.sent_at), NEW.sent_at_text, extract(epoch FROM NEW.ingested_at), NEW.subject, NEW.body_text,
                        NEW.body_html, NEW.attachments, NEW.raw_sha256, NEW.raw_size, NEW.partial_reason, NEW.evidence_file_id)::text, 'UTF8')), 'hex');
                    RETURN NEW;
                END $$;
                UPDATE archive_items i SET content_hash = archive_item_content_hash(i);
                CREATE TRIGGER archive_items_content_hash BEFORE INSERT ON archive_items
                    FOR EACH ROW EXECUTE FUNCTION archive_items_set_content_hash();

                CREATE FUNCTION audit_record_hash(a audit_records) RETURNS character(64) LANGUAGE sql STABLE AS $$
                    SELECT encode(sha256(convert_to(json_build_array(
                        a.seq, a.prev_hash, a.id, extract(epoch FROM a.at), a.actor, a.client_address, a.action,
                        a.target_type, a.target_id, a.details)::text, 'UTF8')), 'hex')
                $$;
                DO $$
                DECLARE
                    r record;
                    previous text := repeat('0', 64);
                    n bigint := 0;
                BEGIN
                    FOR r IN SELECT id FROM audit_records ORDER BY id LOOP
                        n := n + 1;
                        UPDATE audit_records SET seq = n, prev_hash = previous WHERE id = r.id;
                        UPDATE audit_records a SET hash = audit_record_hash(a) WHERE id = r.id RETURNING hash INTO previous;
                    END LOOP;
                END $$;
                -- One writer at a time extends the chain. The advisory lock is held until commit, so the next
                -- writer reads the committed head: the chain follows commit order, never forks.
                CREATE FUNCTION audit_records_chain() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    head record;
                BEGIN
                    PERFORM pg_advisory_xact_lock(4631120171);
                    SELECT seq, hash INTO head FROM audit_records ORDER BY seq DESC LIMIT 1;
                    NEW.seq := coalesce(head.seq, 0) + 1;
                    NEW.prev_hash := coalesce(head.hash, repeat('0', 64));
                    NEW.hash := audit_record_hash(NEW);
                    RETURN NEW;
                END $$;
                CREATE TRIGGER audit_records_chain BEFORE INSERT ON audit_records
                    FOR EACH ROW EXECUTE FUNCTION audit_records_chain();
                CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'the audit trail is append-only: % of audit records is refused', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END $$;
                CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records
                    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
                CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();

                -- The active hold that preserves an item, if any.
                CREATE FUNCTION archive_item_hold(p_item bigint) RETURNS uuid LANGUAGE sql STABLE AS $$
                    SELECT h.id FROM legal_holds h JOIN archive_items i ON i.id = p_item
                    WHERE h.released_at IS NULL
                      AND (h.connector_id IS NULL OR h.connector_id = i.connector_id)
                      AND (h.source_type IS NULL OR lower(h.source_type) = lower(i.source_type))
                      AND (h.sent_from IS NULL OR i.sent_at >= h.sent_from)
                      AND (h.sent_to IS NULL OR i.sent_at < h.sent_to)
                      AND (h.account_id IS NULL
                           OR EXISTS (SELECT 1 FROM mailbox_placements p WHERE p.item_id = i.id AND p.account_id = h.account_id))
                    ORDER BY h.created_at LIMIT 1
                $$;
                -- A deleted item needs, in the deleting transaction itself, its item.purged audit record; and it may be
                -- neither held nor pending review. So even a session that sets the purge flag by hand cannot delete
                -- an item without leaving the record purge_archive_item leaves.
                CREATE INDEX ix_audit_records_purged_item ON audit_records (target_id) WHERE action = 'item.purged';
                CREATE FUNCTION refuse_archive_change() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    held uuid;
                BEGIN
                    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'archive_items' THEN
                        held := archive_item_hold(OLD.id);
                        IF held IS NOT NULL THEN
                            RAISE EXCEPTION 'archive item % is under legal hold %: it cannot be deleted', OLD.id, held
                                USING ERRCODE = 'insufficient_privilege';
                        END IF;
                        IF EXISTS (SELECT 1 FROM disposition_reviews WHERE item_id = OLD.id AND state IN ('Pending', 'Retained'))
                           OR EXISTS (SELECT 1 FROM review_items WHERE item_id = OLD.id AND state IN ('Pending', 'Escalated')) THEN
                            RAISE EXCEPTION 'archive item % is pending review: it cannot be deleted', OLD.id
                                USING ERRCODE = 'insufficient_privilege';
                        END IF;
                        IF current_setting('connectors.retention_purge', true) = 'on' AND EXISTS (
                            SELECT 1 FROM audit_records a WHERE a.action = 'item.purged' AND a.target_id = OLD.id::text
                              AND a.xmin = pg_current_xact_id()::xid) THEN
                            RETURN OLD;
                        END IF;
                    ELSIF TG_OP = 'DELETE' AND current_setting('connectors.retention_purge', true) = 'on' THEN
                        RETURN OLD;
                    END IF;
                    RAISE EXCEPTION 'archived content is immutable: % on % is refused (only the retention sweeper deletes)', TG_OP, TG_TABLE_NAME
                        USING ERRCODE = 'insufficient_privilege';
                END $$;
                CREATE TRIGGER archive_items_immutable BEFORE UPDATE OR DELETE ON archive_items
                    FOR EACH ROW EXECUTE FUNCTION refuse_archive_change();
                CREATE TRIGGER archive_items_no_truncate BEFORE TRUNCATE ON archive_items
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_archive_change();
                CREATE TRIGGER content_blobs_immutable BEFORE UPDATE OR DELETE ON content_blobs
                    FOR EACH ROW EXECUTE FUNCTION refuse_archive_change();
                CREATE TRIGGER content_blobs_no_truncate BEFORE TRUNCATE ON content_blobs
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_archive_change();

                -- A custodian's copy of a held item stays in their mailbox.
                CREATE FUNCTION refuse_held_placement_delete() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM legal_holds h JOIN archive_items i ON i.id = OLD.item_id
                               WHERE h.released_at IS NULL AND h.account_id = OLD.account_id
                                 AND (h.connector_id IS NULL OR h.connector_id = i.connector_id)
                                 AND (h.source_type IS NULL OR lower(h.source_type) = lower(i.source_type))
                                 AND (h.sent_from IS NULL OR i.sent_at >= h.sent_from)
                                 AND (h.sent_to IS NULL OR i.sent_at < h.sent_to)) THEN
                        RAISE EXCEPTION 'archive item % is under legal hold in this mailbox: it cannot be removed', OLD.item_id
                            USING ERRCODE = 'insufficient_privilege';
                    END IF;
                    RETURN OLD;
                END $$;
                CREATE TRIGGER mailbox_placements_held_not_deleted BEFORE DELETE ON mailbox_placements
                    FOR EACH ROW EXECUTE FUNCTION refuse_held_placement_delete();

                -- Holds are released, never deleted or rewritten: a release sets the released_* fields once.
                CREATE FUNCTION guard_legal_holds() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'UPDATE' AND OLD.released_at IS NULL
                       AND (NEW.id, NEW.name, NEW.account_id, NEW.connector_id, NEW.source_type, NEW.sent_from, NEW.sent_to, NEW.created_at, NEW.created_by)
                           IS NOT DISTINCT FROM
                           (OLD.id, OLD.name, OLD.account_id, OLD.connector_id, OLD.source_type, OLD.sent_from, OLD.sent_to, OLD.created_at, OLD.created_by) THEN
                        RETURN NEW;
                    END IF;
                    RAISE EXCEPTION 'legal holds are only ever released: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
                END $$;
                CREATE TRIGGER legal_holds_release_only BEFORE UPDATE OR DELETE ON legal_holds
                    FOR EACH ROW EXECUTE FUNCTION guard_legal_holds();
                CREATE TRIGGER legal_holds_no_truncate BEFORE TRUNCATE ON legal_holds
                    FOR EACH STATEMENT EXECUTE FUNCTION guard_legal_holds();
                -- Row triggers do not see TRUNCATE: removing every mailbox copy at once is refused outright.
                CREATE TRIGGER mailbox_placements_no_truncate BEFORE TRUNCATE ON mailbox_placements
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_archive_change();

                -- "Which items have this attachment" (purges keep content another item still refers to).
                CREATE INDEX ix_archive_items_attachments ON archive_items USING gin (attachments jsonb_path_ops);

                -- The only way to delete archived content. Returns NULL when the item was deleted, else why not.
                CREATE FUNCTION purge_archive_item(p_item bigint, p_policy uuid, p_actor text) RETURNS text LANGUAGE plpgsql AS $$
                DECLARE
                    i archive_items;
                    held uuid;
                BEGIN
                    -- A hold placed while this transaction runs must not miss the item: placing a hold waits for this
                    -- transaction, and this one waits for a hold being placed, then sees it.
                    LOCK TABLE legal_holds IN SHARE MODE;
                    SELECT * INTO i FROM archive_items WHERE id = p_item FOR UPDATE;
                    IF NOT FOUND THEN
                        RETURN 'not archived';
                    END IF;
                    held := archive_item_hold(p_item);
                    IF held IS NOT NULL THEN
                        RETURN 'under legal hold ' || held;
                    END IF;
                    IF EXISTS (SELECT 1 FROM disposition_reviews WHERE item_id = p_item AND state IN ('Pending', 'Retained')) THEN
                        RETURN 'pending disposition review';
                    END IF;
                    IF EXISTS (SELECT 1 FROM review_items WHERE item_id = p_item AND state IN ('Pending', 'Escalated')) THEN
                        RETURN 'pending supervision review';
                    END IF;
                    INSERT INTO audit_records (at, actor, action, target_type, target_id, details)
                    VALUES (now(), p_actor, 'item.purged', 'archive-item', p_item::text, jsonb_build_object(
                        'itemKey', i.item_key, 'versionHash', i.version_hash, 'versionKind', i.version_kind,
                        'rawSha256', i.raw_sha256, 'contentHash', i.content_hash, 'sentAt', i.sent_at,
                        'connectorId', i.connector_id, 'policyId', p_policy,
                        'policyName', (SELECT name FROM retention_policies WHERE id = p_policy)));
                    PERFORM set_config('connectors.retention_purge', 'on', true);
                    DELETE FROM dlp_matches WHERE item_id = p_item;
                    DELETE FROM disposition_reviews WHERE item_id = p_item;
                    DELETE FROM quarantined_items WHERE item_id = p_item;
                    DELETE FROM mailbox_placements WHERE item_id = p_item;
                    DELETE FROM archive_items WHERE id = p_item;
                    -- The raw bytes and the attachments' content go too, unless another item still refers to them
                    -- (as its raw bytes or as an attachment).
                    DELETE FROM content_blobs b
                    WHERE (b.sha256 = i.raw_sha256
                           OR b.sha256 IN (SELECT lower(a ->> 'sha256') FROM jsonb_array_elements(i.attachments) a WHERE a ? 'sha256'))
                      AND NOT EXISTS (SELECT 1 FROM archive_items o WHERE o.raw_sha256 = b.sha256)
                      AND NOT EXISTS (SELECT 1 FROM archive_items o
                                      WHERE o.attachments @> jsonb_build_array(jsonb_build_object('sha256', b.sha256::text)));
                    PERFORM set_config('connectors.retention_purge', 'off', true);
                    RETURN NULL;
                END $$;
                """);

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_prev_hash",
                table: "audit_records",
                column: "prev_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_seq",
                table: "audit_records",
                column: "seq",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_disposition_reviews_policy_id",
                table: "disposition_reviews",
                column: "policy_id");

            migrationBuilder.CreateIndex(
                name: "ix_disposition_reviews_state_due_at",
                table: "disposition_reviews",
                columns: new[] { "state", "due_at" });

            migrationBuilder.CreateIndex(
                name: "ix_dlp_custom_types_name",
                table: "dlp_custom_types",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_dlp_matches_item_id_policy_id_info_type",
                table: "dlp_matches",
                columns: new[] { "item_id", "policy_id", "info_type" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_dlp_matches_policy_id_id",
                table: "dlp_matches",
                columns: new[] { "policy_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_dlp_policies_name",
                table: "dlp_policies",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_integrity_checks_status",
                table: "integrity_checks",
                column: "status",
                filter: "status IN ('Queued', 'Running')");

            migrationBuilder.CreateIndex(
                name: "ix_legal_holds_account_id",
                table: "legal_holds",
                column: "account_id",
                filter: "released_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_legal_holds_connector_id",
                table: "legal_holds",
                column: "connector_id");

            migrationBuilder.CreateIndex(
                name: "ix_lexicons_name",
                table: "lexicons",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_policy_evaluations_status",
                table: "policy_evaluations",
                column: "status",
                filter: "status IN ('Queued', 'Running')");

            migrationBuilder.CreateIndex(
                name: "ix_retention_policies_name",
                table: "retention_policies",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_review_actions_review_item_id",
                table: "review_actions",
                column: "review_item_id");

            migrationBuilder.CreateIndex(
                name: "ix_review_items_item_id",
                table: "review_items",
                column: "item_id");

            migrationBuilder.CreateIndex(
                name: "ix_review_items_policy_id_item_id",
                table: "review_items",
                columns: new[] { "policy_id", "item_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_review_items_state_id",
                table: "review_items",
                columns: new[] { "state", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_supervision_policies_name",
                table: "supervision_policies",
                column: "name",
                unique: true);

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION purge_archive_item(bigint, uuid, text);
                DROP INDEX ix_archive_items_attachments;
                DROP TRIGGER mailbox_placements_no_truncate ON mailbox_placements;
                DROP TRIGGER legal_holds_no_truncate ON legal_holds;
                DROP TRIGGER legal_holds_release_only ON legal_holds;
                DROP FUNCTION guard_legal_holds();
                DROP TRIGGER mailbox_placements_held_not_deleted ON mailbox_placements;
                DROP FUNCTION refuse_held_placement_delete();
                DROP TRIGGER content_blobs_no_truncate ON content_blobs;
                DROP TRIGGER content_blobs_immutable ON content_blobs;
                DROP TRIGGER archive_items_no_truncate ON archive_items;
                DROP TRIGGER archive_items_immutable ON archive_items;
                DROP FUNCTION refuse_archive_change();
                DROP INDEX ix_audit_records_purged_item;
                DROP FUNCTION archive_item_hold(bigint);
                DROP TRIGGER audit_records_no_truncate ON audit_records;
                DROP TRIGGER audit_records_append_only ON audit_records;
                DROP FUNCTION refuse_audit_change();
                DROP TRIGGER audit_records_chain ON audit_records;
                DROP FUNCTION audit_records_chain();
                DROP FUNCTION audit_record_hash(audit_records);
                DROP TRIGGER archive_items_content_hash ON archive_items;
                DROP FUNCTION archive_items_set_content_hash();
                DROP FUNCTION archive_item_content_hash(archive_items);
                """);
            migrationBuilder.DropTable(
                name: "disposition_reviews");

            migrationBuilder.DropTable(
                name: "dlp_custom_types");

            migrationBuilder.DropTable(
                name: "dlp_matches");

            migrationBuilder.DropTable(
                name: "integrity_checks");

            migrationBuilder.DropTable(
                name: "legal_holds");

            migrationBuilder.DropTable(
                name: "lexicons");

            migrationBuilder.DropTable(
                name: "policy_evaluations");

            migrationBuilder.DropTable(
                name: "review_actions");

            migrationBuilder.DropTable(
                name: "retention_policies");

            migrationBuilder.DropTable(
                name: "dlp_policies");

            migrationBuilder.DropTable(
                name: "review_items");

            migrationBuilder.DropTable(
                name: "supervision_policies");

            migrationBuilder.DropIndex(
                name: "ix_audit_records_prev_hash",
                table: "audit_records");

            migrationBuilder.DropIndex(
                name: "ix_audit_records_seq",
                table: "audit_records");

            migrationBuilder.DropColumn(
                name: "hash",
                table: "audit_records");

            migrationBuilder.DropColumn(
                name: "prev_hash",
                table: "audit_records");

            migrationBuilder.DropColumn(
                name: "seq",
                table: "audit_records");

            migrationBuilder.DropColumn(
                name: "content_hash",
                table: "archive_items");
        }
    }
}
