using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Connectors.Data.Migrations
{
    /// <inheritdoc />
    public partial class PlacementsWithoutAccountKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_mailbox_placements_directory_accounts_account_id",
                table: "mailbox_placements");

            // What the dropped foreign key guaranteed, kept in the database at no cost on the hot path:
            // an account that has (or may have) an archive mailbox can never be deleted, only disabled.
            migrationBuilder.Sql("""
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
                """);

            migrationBuilder.AddForeignKey(
                name: "fk_mailbox_placements_directory_accounts_account_id",
                table: "mailbox_placements",
                column: "account_id",
                principalTable: "directory_accounts",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
