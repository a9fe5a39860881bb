using System.ComponentModel;

namespace Connectors.Sources.Hr;

/// <summary>
/// Settings of an HR connector: which CSV column holds each field (matched case-insensitively).
/// Leave a field out to use Purview's column name.
/// </summary>
public sealed record HrSettings(
    [property: Description("Column holding the employee's email address. Default: EmailAddress.")] string? EmailAddressColumn = null,
    [property: Description("Column holding the resignation date (ISO 8601). Default: ResignationDate.")] string? ResignationDateColumn = null,
    [property: Description("Column holding the last working date (ISO 8601). Default: LastWorkingDate.")] string? LastWorkingDateColumn = null)
{
    public HrColumns Columns => new(
        EmailAddressColumn ?? HrColumns.Default.EmailAddress,
        ResignationDateColumn ?? HrColumns.Default.ResignationDate,
        LastWorkingDateColumn ?? HrColumns.Default.LastWorkingDate);

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (name, value) in new[] { ("settings.emailAddressColumn", EmailAddressColumn), ("settings.resignationDateColumn", ResignationDateColumn), ("settings.lastWorkingDateColumn", LastWorkingDateColumn) })
        {
            if (value is not null && (value.Trim().Length == 0 || value.Length > 100))
            {
                errors[name] = ["A column name must have 1 to 100 characters."];
            }
        }
        var columns = Columns;
        if (new[] { columns.EmailAddress, columns.ResignationDate, columns.LastWorkingDate }.Distinct(StringComparer.OrdinalIgnoreCase).Count() < 3)
        {
            errors["settings"] = ["Each field needs its own column."];
        }
        return errors;
    }
}

public sealed record HrColumns(string EmailAddress, string ResignationDate, string LastWorkingDate)
{
    public static readonly HrColumns Default = new("EmailAddress", "ResignationDate", "LastWorkingDate");

    public IReadOnlyList<string> All => [EmailAddress, ResignationDate, LastWorkingDate];
}
