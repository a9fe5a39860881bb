using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Connectors.Data.Migrations
{
    /// <inheritdoc />
    public partial class PhysicalBadging : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "badge_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    dedup_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    connector_id = table.Column<Guid>(type: "uuid", nullable: false),
                    upload_id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    record_index = table.Column<int>(type: "integer", nullable: false),
                    user_id = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: true),
                    asset_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    asset_name = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    event_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    event_time_text = table.Column<string>(type: "text", nullable: false),
                    offset_assumed = table.Column<bool>(type: "boolean", nullable: false),
                    access_status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_badge_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_badge_events_connectors_connector_id",
                        column: x => x.connector_id,
                        principalTable: "connectors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_badge_events_signal_uploads_upload_id",
                        column: x => x.upload_id,
                        principalTable: "signal_uploads",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_badge_events_account_id_event_time",
                table: "badge_events",
                columns: new[] { "account_id", "event_time" });

            migrationBuilder.CreateIndex(
                name: "ix_badge_events_connector_id",
                table: "badge_events",
                column: "connector_id",
                filter: "account_id IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_badge_events_dedup_key",
                table: "badge_events",
                column: "dedup_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_badge_events_upload_id",
                table: "badge_events",
                column: "upload_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "badge_events");
        }
    }
}
