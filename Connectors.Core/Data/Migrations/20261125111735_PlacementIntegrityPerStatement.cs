using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Connectors.Data.Migrations
{
    /// <inheritdoc />
    public partial class PlacementIntegrityPerStatement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_mailbox_placements_archive_items_item_id",
                table: "mailbox_placements");

            // The foreign keys' guarantees, checked once per statement over all inserted rows (an anti-join)
            // rather than once per row, plus RESTRICT on deleting an item that is still in a mailbox.
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
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER archive_items_in_mailboxes_are_not_deleted ON archive_items;
                DROP FUNCTION refuse_placed_item_delete();
                DROP TRIGGER mailbox_placements_reference_items_and_accounts ON mailbox_placements;
                DROP FUNCTION check_new_placements();
                """);

            migrationBuilder.AddForeignKey(
                name: "fk_mailbox_placements_archive_items_item_id",
                table: "mailbox_placements",
                column: "item_id",
                principalTable: "archive_items",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
