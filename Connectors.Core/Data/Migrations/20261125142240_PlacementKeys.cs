using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Connectors.Data.Migrations
{
    /// <inheritdoc />
    public partial class PlacementKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_mailbox_placements",
                table: "mailbox_placements");

            migrationBuilder.DropIndex(
                name: "ix_mailbox_placements_account_id_folder",
                table: "mailbox_placements");

            migrationBuilder.AddPrimaryKey(
                name: "pk_mailbox_placements",
                table: "mailbox_placements",
                columns: new[] { "account_id", "item_id" });

            migrationBuilder.CreateIndex(
                name: "ix_mailbox_placements_item_id",
                table: "mailbox_placements",
                column: "item_id")
                .Annotation("Npgsql:IndexMethod", "brin");

            // The statement-level integrity check probes each distinct item and account once, not once per copy:
            // a batch's copies name a few thousand items and a few hundred accounts.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION check_new_placements() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT item_id FROM new_placements) n
                               WHERE NOT EXISTS (SELECT 1 FROM archive_items a WHERE a.id = n.item_id)) THEN
                        RAISE EXCEPTION 'a mailbox placement names an archive item that does not exist' USING ERRCODE = 'foreign_key_violation';
                    END IF;
                    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT account_id FROM new_placements) n
                               WHERE NOT EXISTS (SELECT 1 FROM directory_accounts d WHERE d.id = n.account_id)) THEN
                        RAISE EXCEPTION 'a mailbox placement names a directory account that does not exist' USING ERRCODE = 'foreign_key_violation';
                    END IF;
                    RETURN NULL;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_mailbox_placements",
                table: "mailbox_placements");

            migrationBuilder.DropIndex(
                name: "ix_mailbox_placements_item_id",
                table: "mailbox_placements");

            migrationBuilder.AddPrimaryKey(
                name: "pk_mailbox_placements",
                table: "mailbox_placements",
                columns: new[] { "item_id", "account_id" });

            migrationBuilder.CreateIndex(
                name: "ix_mailbox_placements_account_id_folder",
                table: "mailbox_placements",
                columns: new[] { "account_id", "folder" });
        }
    }
}
