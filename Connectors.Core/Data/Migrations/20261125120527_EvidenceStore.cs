using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Connectors.Data.Migrations
{
    /// <inheritdoc />
    public partial class EvidenceStore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "evidence_file_id",
                table: "archive_items",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "evidence_blobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    chunks = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_evidence_blobs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "evidence_chunks",
                columns: table => new
                {
                    blob_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_evidence_chunks", x => new { x.blob_id, x.sequence });
                });

            migrationBuilder.CreateTable(
                name: "evidence_files",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    connector_id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<long>(type: "bigint", nullable: true),
                    source_path = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    blob_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source_modified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_evidence_files", x => x.id);
                    table.ForeignKey(
                        name: "fk_evidence_files_connectors_connector_id",
                        column: x => x.connector_id,
                        principalTable: "connectors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_evidence_files_evidence_blobs_blob_id",
                        column: x => x.blob_id,
                        principalTable: "evidence_blobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "delivered_files",
                columns: table => new
                {
                    connector_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source_path = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    source_modified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    evidence_file_id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    processed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    outcome = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    items_read = table.Column<long>(type: "bigint", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_delivered_files", x => new { x.connector_id, x.source_path });
                    table.ForeignKey(
                        name: "fk_delivered_files_connectors_connector_id",
                        column: x => x.connector_id,
                        principalTable: "connectors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_delivered_files_evidence_files_evidence_file_id",
                        column: x => x.evidence_file_id,
                        principalTable: "evidence_files",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_archive_items_evidence_file_id",
                table: "archive_items",
                column: "evidence_file_id",
                filter: "evidence_file_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_delivered_files_evidence_file_id",
                table: "delivered_files",
                column: "evidence_file_id");

            migrationBuilder.CreateIndex(
                name: "ix_evidence_blobs_sha256",
                table: "evidence_blobs",
                column: "sha256",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_evidence_files_blob_id",
                table: "evidence_files",
                column: "blob_id");

            migrationBuilder.CreateIndex(
                name: "ix_evidence_files_connector_id_received_at",
                table: "evidence_files",
                columns: new[] { "connector_id", "received_at" });

            migrationBuilder.AddForeignKey(
                name: "fk_archive_items_evidence_files_evidence_file_id",
                table: "archive_items",
                column: "evidence_file_id",
                principalTable: "evidence_files",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            // Chunks stream in before their blob row exists (the hash is known only at the end of the file), so
            // their reference to the blob is checked at commit.
            migrationBuilder.Sql("""
                ALTER TABLE evidence_chunks ADD CONSTRAINT fk_evidence_chunks_evidence_blobs_blob_id
                    FOREIGN KEY (blob_id) REFERENCES evidence_blobs (id) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE evidence_chunks DROP CONSTRAINT fk_evidence_chunks_evidence_blobs_blob_id;");

            migrationBuilder.DropForeignKey(
                name: "fk_archive_items_evidence_files_evidence_file_id",
                table: "archive_items");

            migrationBuilder.DropTable(
                name: "delivered_files");

            migrationBuilder.DropTable(
                name: "evidence_chunks");

            migrationBuilder.DropTable(
                name: "evidence_files");

            migrationBuilder.DropTable(
                name: "evidence_blobs");

            migrationBuilder.DropIndex(
                name: "ix_archive_items_evidence_file_id",
                table: "archive_items");

            migrationBuilder.DropColumn(
                name: "evidence_file_id",
                table: "archive_items");
        }
    }
}
