using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using NpgsqlTypes;

#nullable disable

namespace Connectors.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alerts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    connector_id = table.Column<Guid>(type: "uuid", nullable: true),
                    run_id = table.Column<long>(type: "bigint", nullable: true),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    severity = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    reason = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    occurrences = table.Column<int>(type: "integer", nullable: false),
                    raised_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_raised_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    acknowledged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    acknowledged_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    resolved_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_alerts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    role = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    key_hint = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    key_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "audit_records",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    client_address = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    action = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    target_type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    target_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    details = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_records", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "connectors",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    schedule_interval = table.Column<TimeSpan>(type: "interval", nullable: true),
                    schedule_cron = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    schedule_time_zone = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    settings = table.Column<string>(type: "jsonb", nullable: false),
                    lookback = table.Column<TimeSpan>(type: "interval", nullable: false),
                    mapping = table.Column<string>(type: "jsonb", nullable: false),
                    protected_credentials = table.Column<string>(type: "text", nullable: true),
                    run_status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_import_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    next_run_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    run_requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    requested_trigger = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    last_success_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    consecutive_failures = table.Column<int>(type: "integer", nullable: false),
                    items_imported = table.Column<long>(type: "bigint", nullable: false),
                    last_run_errors = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    last_run_id = table.Column<long>(type: "bigint", nullable: true),
                    lease_epoch = table.Column<long>(type: "bigint", nullable: false),
                    deleted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_connectors", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "content_blobs",
                columns: table => new
                {
                    sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_content_blobs", x => x.sha256);
                });

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    friendly_name = table.Column<string>(type: "text", nullable: true),
                    xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "directory_accounts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    display_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_directory_accounts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "hr_signals",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    dedup_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    connector_id = table.Column<Guid>(type: "uuid", nullable: false),
                    upload_id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    row_number = table.Column<int>(type: "integer", nullable: false),
                    scenario = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    email_address = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: true),
                    event_date = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    event_date_text = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    last_working_date = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_working_date_text = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    offset_assumed = table.Column<bool>(type: "boolean", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hr_signals", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "mailbox_placements",
                columns: table => new
                {
                    item_id = table.Column<long>(type: "bigint", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    folder = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    connector_id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    placed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mailbox_placements", x => new { x.item_id, x.account_id });
                });

            migrationBuilder.CreateTable(
                name: "unmapped_identities",
                columns: table => new
                {
                    connector_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source_id = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    display_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    item_count = table.Column<long>(type: "bigint", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_unmapped_identities", x => new { x.connector_id, x.source_id });
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    display_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    password_hash = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    role = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_sign_in_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_settings",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    protected_secret = table.Column<string>(type: "text", nullable: true),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_settings", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "alert_deliveries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    alert_id = table.Column<long>(type: "bigint", nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    delivered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    abandoned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_alert_deliveries", x => x.id);
                    table.ForeignKey(
                        name: "fk_alert_deliveries_alerts_alert_id",
                        column: x => x.alert_id,
                        principalTable: "alerts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "connector_cursors",
                columns: table => new
                {
                    connector_id = table.Column<Guid>(type: "uuid", nullable: false),
                    value = table.Column<string>(type: "text", nullable: false),
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_connector_cursors", x => x.connector_id);
                    table.ForeignKey(
                        name: "fk_connector_cursors_connectors_connector_id",
                        column: x => x.connector_id,
                        principalTable: "connectors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "import_runs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    connector_id = table.Column<Guid>(type: "uuid", nullable: false),
                    trigger = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    outcome = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    lease_epoch = table.Column<long>(type: "bigint", nullable: false),
                    worker_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    error = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    reconciliation = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    reconciliation_detail = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    items_released_from_quarantine = table.Column<long>(type: "bigint", nullable: false),
                    items_excluded = table.Column<long>(type: "bigint", nullable: false),
                    items_failed = table.Column<long>(type: "bigint", nullable: false),
                    items_failed_to_parse = table.Column<long>(type: "bigint", nullable: false),
                    items_for_import = table.Column<long>(type: "bigint", nullable: false),
                    items_from_source = table.Column<long>(type: "bigint", nullable: false),
                    items_imported = table.Column<long>(type: "bigint", nullable: false),
                    items_parsed = table.Column<long>(type: "bigint", nullable: false),
                    items_partially_imported = table.Column<long>(type: "bigint", nullable: false),
                    items_quarantined = table.Column<long>(type: "bigint", nullable: false),
                    items_skipped_duplicate = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_import_runs", x => x.id);
                    table.ForeignKey(
                        name: "fk_import_runs_connectors_connector_id",
                        column: x => x.connector_id,
                        principalTable: "connectors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "signal_uploads",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    connector_id = table.Column<Guid>(type: "uuid", nullable: false),
                    file_name = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    row_count = table.Column<int>(type: "integer", nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    run_id = table.Column<long>(type: "bigint", nullable: true),
                    rows_imported = table.Column<int>(type: "integer", nullable: false),
                    rows_duplicate = table.Column<int>(type: "integer", nullable: false),
                    rows_failed = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_signal_uploads", x => x.id);
                    table.ForeignKey(
                        name: "fk_signal_uploads_connectors_connector_id",
                        column: x => x.connector_id,
                        principalTable: "connectors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "identity_mappings",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    connector_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source_id = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    valid_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    valid_to = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_identity_mappings", x => x.id);
                    table.ForeignKey(
                        name: "fk_identity_mappings_connectors_connector_id",
                        column: x => x.connector_id,
                        principalTable: "connectors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_identity_mappings_directory_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "directory_accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "archive_items",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    item_key = table.Column<string>(type: "text", nullable: false),
                    version_hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    version_kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    connector_id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    source_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    item_class = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    source_account = table.Column<string>(type: "text", nullable: false),
                    source_id = table.Column<string>(type: "text", nullable: false),
                    conversation_id = table.Column<string>(type: "text", nullable: true),
                    thread_id = table.Column<string>(type: "text", nullable: true),
                    parent_id = table.Column<string>(type: "text", nullable: true),
                    sender = table.Column<string>(type: "jsonb", nullable: false),
                    recipients = table.Column<string>(type: "jsonb", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at_text = table.Column<string>(type: "text", nullable: true),
                    ingested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    subject = table.Column<string>(type: "text", nullable: true),
                    body_text = table.Column<string>(type: "text", nullable: true),
                    body_html = table.Column<string>(type: "text", nullable: true),
                    attachments = table.Column<string>(type: "jsonb", nullable: false),
                    raw_sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    raw_size = table.Column<long>(type: "bigint", nullable: false),
                    partial_reason = table.Column<string>(type: "text", nullable: true),
                    search_vector = table.Column<NpgsqlTsVector>(type: "tsvector", nullable: true, computedColumnSql: "to_tsvector('simple', coalesce(subject, '') || ' ' || coalesce(body_text, ''))", stored: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_archive_items", x => x.id);
                    table.ForeignKey(
                        name: "fk_archive_items_connectors_connector_id",
                        column: x => x.connector_id,
                        principalTable: "connectors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_archive_items_content_blobs_raw_sha256",
                        column: x => x.raw_sha256,
                        principalTable: "content_blobs",
                        principalColumn: "sha256",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_archive_items_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "import_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "import_failures",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    connector_id = table.Column<Guid>(type: "uuid", nullable: false),
                    item_id = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    source_file = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    row_number = table.Column<int>(type: "integer", nullable: true),
                    field = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    source_user = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    mapped_account = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_import_failures", x => x.id);
                    table.ForeignKey(
                        name: "fk_import_failures_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "import_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "quarantined_items",
                columns: table => new
                {
                    connector_id = table.Column<Guid>(type: "uuid", nullable: false),
                    item_id = table.Column<long>(type: "bigint", nullable: false),
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    quarantined_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    released_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    released_run_id = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_quarantined_items", x => new { x.connector_id, x.item_id });
                    table.ForeignKey(
                        name: "fk_quarantined_items_archive_items_item_id",
                        column: x => x.item_id,
                        principalTable: "archive_items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_alert_deliveries_alert_id",
                table: "alert_deliveries",
                column: "alert_id");

            migrationBuilder.CreateIndex(
                name: "ix_alert_deliveries_next_attempt_at",
                table: "alert_deliveries",
                column: "next_attempt_at",
                filter: "delivered_at IS NULL AND abandoned_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_connector_id_kind",
                table: "alerts",
                columns: new[] { "connector_id", "kind" },
                unique: true,
                filter: "status <> 'Resolved'")
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_alerts_status_id",
                table: "alerts",
                columns: new[] { "status", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_key_hash",
                table: "api_keys",
                column: "key_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_archive_items_connector_id",
                table: "archive_items",
                column: "connector_id");

            migrationBuilder.CreateIndex(
                name: "ix_archive_items_conversation_id_sent_at",
                table: "archive_items",
                columns: new[] { "conversation_id", "sent_at" });

            migrationBuilder.CreateIndex(
                name: "ix_archive_items_item_key_version_hash",
                table: "archive_items",
                columns: new[] { "item_key", "version_hash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_archive_items_raw_sha256",
                table: "archive_items",
                column: "raw_sha256");

            migrationBuilder.CreateIndex(
                name: "ix_archive_items_run_id",
                table: "archive_items",
                column: "run_id");

            migrationBuilder.CreateIndex(
                name: "ix_archive_items_search_vector",
                table: "archive_items",
                column: "search_vector")
                .Annotation("Npgsql:IndexMethod", "GIN");

            migrationBuilder.CreateIndex(
                name: "ix_archive_items_sent_at",
                table: "archive_items",
                column: "sent_at");

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_at",
                table: "audit_records",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_connectors_next_run_at",
                table: "connectors",
                column: "next_run_at",
                filter: "deleted_at IS NULL AND enabled");

            migrationBuilder.CreateIndex(
                name: "ix_connectors_run_requested_at",
                table: "connectors",
                column: "run_requested_at",
                filter: "deleted_at IS NULL AND enabled AND run_requested_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_directory_accounts_email",
                table: "directory_accounts",
                column: "email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hr_signals_dedup_key",
                table: "hr_signals",
                column: "dedup_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hr_signals_email_address",
                table: "hr_signals",
                column: "email_address");

            migrationBuilder.CreateIndex(
                name: "ix_identity_mappings_account_id",
                table: "identity_mappings",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_identity_mappings_connector_id_source_id",
                table: "identity_mappings",
                columns: new[] { "connector_id", "source_id" });

            migrationBuilder.CreateIndex(
                name: "ix_import_failures_run_id_id",
                table: "import_failures",
                columns: new[] { "run_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_import_runs_connector_id_id",
                table: "import_runs",
                columns: new[] { "connector_id", "id" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_mailbox_placements_account_id_folder",
                table: "mailbox_placements",
                columns: new[] { "account_id", "folder" });

            migrationBuilder.CreateIndex(
                name: "ix_quarantined_items_connector_id",
                table: "quarantined_items",
                column: "connector_id",
                filter: "released_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_quarantined_items_item_id",
                table: "quarantined_items",
                column: "item_id");

            migrationBuilder.CreateIndex(
                name: "ix_signal_uploads_connector_id_status",
                table: "signal_uploads",
                columns: new[] { "connector_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_users_user_name",
                table: "users",
                column: "user_name",
                unique: true);

            // Integrity of mailbox placements, checked in PostgreSQL but set-based: one anti-join per INSERT
            // statement instead of two foreign-key lookups per row (placements are the hot path, one row per
            // mailbox copy). An item still in a mailbox cannot be deleted, and an account can never be deleted,
            // only disabled: its archive mailbox must stay.
            migrationBuilder.Sql("""
                CREATE FUNCTION check_new_placements() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM new_placements n WHERE NOT EXISTS (SELECT 1 FROM archive_items a WHERE a.id = n.item_id)) THEN
                        RAISE EXCEPTION 'a mailbox placement names an archive item that does not exist' USING ERRCODE = 'foreign_key_violation';
                    END IF;
                    IF EXISTS (SELECT 1 FROM new_placements n WHERE NOT EXISTS (SELECT 1 FROM directory_accounts d WHERE d.id = n.account_id)) THEN
                        RAISE EXCEPTION 'a mailbox placement names a directory account that does not exist' USING ERRCODE = 'foreign_key_violation';
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER mailbox_placements_reference_items_and_accounts AFTER INSERT ON mailbox_placements
                    REFERENCING NEW TABLE AS new_placements FOR EACH STATEMENT EXECUTE FUNCTION check_new_placements();

                CREATE FUNCTION refuse_placed_item_delete() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM mailbox_placements p WHERE p.item_id = OLD.id) THEN
                        RAISE EXCEPTION 'archive item % is still in a mailbox; remove its placements first', OLD.id
                            USING ERRCODE = 'foreign_key_violation';
                    END IF;
                    RETURN OLD;
                END $$;
                CREATE TRIGGER archive_items_in_mailboxes_are_not_deleted BEFORE DELETE ON archive_items
                    FOR EACH ROW EXECUTE FUNCTION refuse_placed_item_delete();

                CREATE FUNCTION refuse_account_delete() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'directory account % cannot be deleted: its archive mailbox must stay; disable it instead', OLD.email
                        USING ERRCODE = 'restrict_violation';
                END $$;
                CREATE TRIGGER directory_accounts_never_deleted BEFORE DELETE ON directory_accounts
                    FOR EACH ROW EXECUTE FUNCTION refuse_account_delete();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER directory_accounts_never_deleted ON directory_accounts;
                DROP FUNCTION refuse_account_delete();
                DROP TRIGGER archive_items_in_mailboxes_are_not_deleted ON archive_items;
                DROP FUNCTION refuse_placed_item_delete();
                DROP TRIGGER mailbox_placements_reference_items_and_accounts ON mailbox_placements;
                DROP FUNCTION check_new_placements();
                """);
            migrationBuilder.DropTable(
                name: "alert_deliveries");

            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "audit_records");

            migrationBuilder.DropTable(
                name: "connector_cursors");

            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "hr_signals");

            migrationBuilder.DropTable(
                name: "identity_mappings");

            migrationBuilder.DropTable(
                name: "import_failures");

            migrationBuilder.DropTable(
                name: "mailbox_placements");

            migrationBuilder.DropTable(
                name: "quarantined_items");

            migrationBuilder.DropTable(
                name: "signal_uploads");

            migrationBuilder.DropTable(
                name: "unmapped_identities");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "webhook_settings");

            migrationBuilder.DropTable(
                name: "alerts");

            migrationBuilder.DropTable(
                name: "directory_accounts");

            migrationBuilder.DropTable(
                name: "archive_items");

            migrationBuilder.DropTable(
                name: "content_blobs");

            migrationBuilder.DropTable(
                name: "import_runs");

            migrationBuilder.DropTable(
                name: "connectors");
        }
    }
}
