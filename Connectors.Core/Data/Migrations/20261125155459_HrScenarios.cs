using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Connectors.Data.Migrations
{
    /// <inheritdoc />
    public partial class HrScenarios : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "effective_date",
                table: "hr_signals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "effective_date_text",
                table: "hr_signals",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "new_level",
                table: "hr_signals",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "old_level",
                table: "hr_signals",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "profile",
                table: "hr_signals",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "rating",
                table: "hr_signals",
                type: "character varying(25)",
                maxLength: 25,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                table: "hr_signals",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<string>(
                name: "remarks",
                table: "hr_signals",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            // Rows imported before refreshes were tracked were last received when they were imported.
            migrationBuilder.Sql("UPDATE hr_signals SET refreshed_at = imported_at;");

            migrationBuilder.CreateIndex(
                name: "ix_hr_signals_account_id_refreshed_at",
                table: "hr_signals",
                columns: new[] { "account_id", "refreshed_at" },
                filter: "scenario = 'EmployeeProfile'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_hr_signals_account_id_refreshed_at",
                table: "hr_signals");

            migrationBuilder.DropColumn(
                name: "effective_date",
                table: "hr_signals");

            migrationBuilder.DropColumn(
                name: "effective_date_text",
                table: "hr_signals");

            migrationBuilder.DropColumn(
                name: "new_level",
                table: "hr_signals");

            migrationBuilder.DropColumn(
                name: "old_level",
                table: "hr_signals");

            migrationBuilder.DropColumn(
                name: "profile",
                table: "hr_signals");

            migrationBuilder.DropColumn(
                name: "rating",
                table: "hr_signals");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                table: "hr_signals");

            migrationBuilder.DropColumn(
                name: "remarks",
                table: "hr_signals");
        }
    }
}
