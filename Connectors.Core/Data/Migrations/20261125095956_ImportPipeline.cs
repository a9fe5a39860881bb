using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using NpgsqlTypes;

#nullable disable

namespace Connectors.Data.Migrations
{
    /// <inheritdoc />
    public partial class ImportPipeline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "items_released_from_quarantine",
                table: "import_runs",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "mapping",
                table: "connectors",
                type: "jsonb",
                nullable: false,
                defaultValue: "");

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
                    table.ForeignKey(
                        name: "fk_mailbox_placements_archive_items_item_id",
                        column: x => x.item_id,
                        principalTable: "archive_items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_mailbox_placements_directory_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "directory_accounts",
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
                name: "ix_directory_accounts_email",
                table: "directory_accounts",
                column: "email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_identity_mappings_account_id",
                table: "identity_mappings",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_identity_mappings_connector_id_source_id",
                table: "identity_mappings",
                columns: new[] { "connector_id", "source_id" });

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "connector_cursors");

            migrationBuilder.DropTable(
                name: "identity_mappings");

            migrationBuilder.DropTable(
                name: "mailbox_placements");

            migrationBuilder.DropTable(
                name: "quarantined_items");

            migrationBuilder.DropTable(
                name: "unmapped_identities");

            migrationBuilder.DropTable(
                name: "directory_accounts");

            migrationBuilder.DropTable(
                name: "archive_items");

            migrationBuilder.DropTable(
                name: "content_blobs");

            migrationBuilder.DropColumn(
                name: "items_released_from_quarantine",
                table: "import_runs");

            migrationBuilder.DropColumn(
                name: "mapping",
                table: "connectors");
        }
    }
}
