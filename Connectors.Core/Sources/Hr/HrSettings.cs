using System.ComponentModel;

namespace Connectors.Sources.Hr;

/// <summary>The five HR scenarios Purview's HR connector takes.</summary>
public enum HrScenario
{
    Resignation,
    JobLevelChange,
    PerformanceReview,
    PerformanceImprovementPlan,
    EmployeeProfile,
}

/// <summary>
/// Settings of an HR connector: which CSV column holds each field (matched case-insensitively) and which
/// scenario each row is. Leave a field out to use Purview's column name. With a <see cref="ScenarioColumn"/>
/// one file may mix scenarios; without it every row is the connector's <see cref="Scenario"/> (Resignation
/// unless set).
/// </summary>
public sealed record HrSettings(
    [property: Description("Column holding the employee's email address. Default: EmailAddress.")] string? EmailAddressColumn = null,
    [property: Description("Column holding the resignation date (ISO 8601). Default: ResignationDate.")] string? ResignationDateColumn = null,
    [property: Description("Column holding the last working date (ISO 8601). Default: LastWorkingDate.")] string? LastWorkingDateColumn = null,
    [property: Description("Column holding the date a level change, review or plan takes effect (ISO 8601). Default: EffectiveDate.")] string? EffectiveDateColumn = null,
    [property: Description("Column holding remarks (at most 200 characters). Default: Remarks.")] string? RemarksColumn = null,
    [property: Description("Column holding the level before a job level change. Default: OldLevel.")] string? OldLevelColumn = null,
    [property: Description("Column holding the level after a job level change. Default: NewLevel.")] string? NewLevelColumn = null,
    [property: Description("Column holding a performance rating (at most 25 characters). Default: Rating.")] string? RatingColumn = null,
    [property: Description("Employee profile: first name column. Default: FirstName.")] string? FirstNameColumn = null,
    [property: Description("Employee profile: last name column. Default: LastName.")] string? LastNameColumn = null,
    [property: Description("Employee profile: street address column. Default: StreetAddress.")] string? StreetAddressColumn = null,
    [property: Description("Employee profile: city column. Default: City.")] string? CityColumn = null,
    [property: Description("Employee profile: state or region column. Default: State.")] string? StateColumn = null,
    [property: Description("Employee profile: postal code column. Default: PostalCode.")] string? PostalCodeColumn = null,
    [property: Description("Employee profile: country column. Default: Country.")] string? CountryColumn = null,
    [property: Description("Employee profile: department column. Default: Department.")] string? DepartmentColumn = null,
    [property: Description("Employee profile: employee type column (e.g. full-time, contractor). Default: EmployeeType.")] string? EmployeeTypeColumn = null,
    [property: Description("Employee profile: role or job title column. Default: EmployeeRole.")] string? EmployeeRoleColumn = null,
    [property: Description("Column naming each row's scenario, so one file may mix scenarios (e.g. HRScenario). Leave out for single-scenario files.")] string? ScenarioColumn = null,
    [property: Description("The scenario of every row when there is no scenario column: Resignation (default), JobLevelChange, PerformanceReview, PerformanceImprovementPlan or EmployeeProfile.")] string? Scenario = null,
    [property: Description("Values of the scenario column and the scenario each names, e.g. {\"Leaver\": \"Resignation\"}. The scenario names themselves are always accepted; values match case-insensitively.")] Dictionary<string, string>? ScenarioValues = null)
{
    public const int MaxColumnName = 100;

    /// <summary>The resolved layout the reader works with (defaults filled in).</summary>
    public HrColumns Columns
    {
        get
        {
            var d = HrColumns.Default;
            var values = new Dictionary<string, HrScenario>(StringComparer.OrdinalIgnoreCase);
            foreach (var scenario in Enum.GetValues<HrScenario>())
            {
                values[scenario.ToString()] = scenario;
            }
            foreach (var (value, name) in ScenarioValues ?? [])
            {
                if (Enum.TryParse<HrScenario>(name, ignoreCase: true, out var scenario) && !int.TryParse(name, out _))
                {
                    values[value.Trim()] = scenario;
                }
            }
            return new HrColumns
            {
                EmailAddress = EmailAddressColumn ?? d.EmailAddress,
                ResignationDate = ResignationDateColumn ?? d.ResignationDate,
                LastWorkingDate = LastWorkingDateColumn ?? d.LastWorkingDate,
                EffectiveDate = EffectiveDateColumn ?? d.EffectiveDate,
                Remarks = RemarksColumn ?? d.Remarks,
                OldLevel = OldLevelColumn ?? d.OldLevel,
                NewLevel = NewLevelColumn ?? d.NewLevel,
                Rating = RatingColumn ?? d.Rating,
                FirstName = FirstNameColumn ?? d.FirstName,
                LastName = LastNameColumn ?? d.LastName,
                StreetAddress = StreetAddressColumn ?? d.StreetAddress,
                City = CityColumn ?? d.City,
                State = StateColumn ?? d.State,
                PostalCode = PostalCodeColumn ?? d.PostalCode,
                Country = CountryColumn ?? d.Country,
                Department = DepartmentColumn ?? d.Department,
                EmployeeType = EmployeeTypeColumn ?? d.EmployeeType,
                EmployeeRole = EmployeeRoleColumn ?? d.EmployeeRole,
                ScenarioColumn = ScenarioColumn,
                Scenario = ParseScenario(Scenario) ?? HrScenario.Resignation,
                ScenarioValues = values,
            };
        }
    }

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (name, value) in Named())
        {
            if (value is not null && (value.Trim().Length == 0 || value.Length > MaxColumnName))
            {
                errors[$"settings.{name}"] = [$"A column name must have 1 to {MaxColumnName} characters."];
            }
        }
        if (Scenario is not null && ParseScenario(Scenario) is null)
        {
            errors["settings.scenario"] = [$"'{Scenario}' is not a scenario. Use one of: {string.Join(", ", Enum.GetNames<HrScenario>())}."];
        }
        if (ScenarioValues is not null)
        {
            if (ScenarioColumn is null)
            {
                errors["settings.scenarioValues"] = ["Scenario values need a scenario column (settings.scenarioColumn)."];
            }
            var bad = ScenarioValues.Where(v => v.Key.Trim().Length == 0 || v.Key.Length > MaxColumnName || ParseScenario(v.Value) is null).ToList();
            if (bad.Count > 0)
            {
                errors["settings.scenarioValues"] = [$"Each value needs 1 to {MaxColumnName} characters and must name a scenario ({string.Join(", ", Enum.GetNames<HrScenario>())}); check: {string.Join(", ", bad.Select(b => $"'{b.Key}'"))}."];
            }
            else if (ScenarioValues.Keys.GroupBy(k => k.Trim(), StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
            {
                errors["settings.scenarioValues"] = ["Values match case-insensitively: each may appear only once."];
            }
        }
        if (ScenarioColumn is not null && Scenario is not null)
        {
            errors["settings.scenario"] = ["Set either a scenario column or a single scenario, not both."];
        }
        var columns = Columns.Fields.Select(f => f.Column);
        if (Columns.ScenarioColumn is { } scenarioColumn)
        {
            columns = columns.Append(scenarioColumn);
        }
        var taken = columns.ToList();
        if (taken.Distinct(StringComparer.OrdinalIgnoreCase).Count() < taken.Count)
        {
            errors["settings"] = ["Each field needs its own column."];
        }
        return errors;
    }

    private IEnumerable<(string Name, string? Value)> Named() =>
    [
        ("emailAddressColumn", EmailAddressColumn), ("resignationDateColumn", ResignationDateColumn),
        ("lastWorkingDateColumn", LastWorkingDateColumn), ("effectiveDateColumn", EffectiveDateColumn),
        ("remarksColumn", RemarksColumn), ("oldLevelColumn", OldLevelColumn), ("newLevelColumn", NewLevelColumn),
        ("ratingColumn", RatingColumn), ("firstNameColumn", FirstNameColumn), ("lastNameColumn", LastNameColumn),
        ("streetAddressColumn", StreetAddressColumn), ("cityColumn", CityColumn), ("stateColumn", StateColumn),
        ("postalCodeColumn", PostalCodeColumn), ("countryColumn", CountryColumn), ("departmentColumn", DepartmentColumn),
        ("employeeTypeColumn", EmployeeTypeColumn), ("employeeRoleColumn", EmployeeRoleColumn), ("scenarioColumn", ScenarioColumn),
    ];

    private static HrScenario? ParseScenario(string? name) =>
        name is not null && !int.TryParse(name, out _) && Enum.TryParse<HrScenario>(name.Trim(), ignoreCase: true, out var scenario) ? scenario : null;
}

/// <summary>The column of each field and how rows find their scenario, with Purview's names as defaults.</summary>
public sealed record HrColumns
{
    public static readonly HrColumns Default = new();

    public string EmailAddress { get; init; } = "EmailAddress";
    public string ResignationDate { get; init; } = "ResignationDate";
    public string LastWorkingDate { get; init; } = "LastWorkingDate";
    public string EffectiveDate { get; init; } = "EffectiveDate";
    public string Remarks { get; init; } = "Remarks";
    public string OldLevel { get; init; } = "OldLevel";
    public string NewLevel { get; init; } = "NewLevel";
    public string Rating { get; init; } = "Rating";
    public string FirstName { get; init; } = "FirstName";
    public string LastName { get; init; } = "LastName";
    public string StreetAddress { get; init; } = "StreetAddress";
    public string City { get; init; } = "City";
    public string State { get; init; } = "State";
    public string PostalCode { get; init; } = "PostalCode";
    public string Country { get; init; } = "Country";
    public string Department { get; init; } = "Department";
    public string EmployeeType { get; init; } = "EmployeeType";
    public string EmployeeRole { get; init; } = "EmployeeRole";

    /// <summary>The column naming each row's scenario; null when the whole file is <see cref="Scenario"/>.</summary>
    public string? ScenarioColumn { get; init; }

    public HrScenario Scenario { get; init; } = HrScenario.Resignation;

    /// <summary>Scenario-column values (case-insensitive) and the scenario each names.</summary>
    public IReadOnlyDictionary<string, HrScenario> ScenarioValues { get; init; } =
        Enum.GetValues<HrScenario>().ToDictionary(s => s.ToString(), s => s, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every mapped field with its column (the scenario column excluded).</summary>
    public IReadOnlyList<(HrField Field, string Column)> Fields =>
    [
        (HrField.EmailAddress, EmailAddress), (HrField.ResignationDate, ResignationDate), (HrField.LastWorkingDate, LastWorkingDate),
        (HrField.EffectiveDate, EffectiveDate), (HrField.Remarks, Remarks), (HrField.OldLevel, OldLevel), (HrField.NewLevel, NewLevel),
        (HrField.Rating, Rating), (HrField.FirstName, FirstName), (HrField.LastName, LastName), (HrField.StreetAddress, StreetAddress),
        (HrField.City, City), (HrField.State, State), (HrField.PostalCode, PostalCode), (HrField.Country, Country),
        (HrField.Department, Department), (HrField.EmployeeType, EmployeeType), (HrField.EmployeeRole, EmployeeRole),
    ];

    public string this[HrField field] => Fields.First(f => f.Field == field).Column;

    /// <summary>
    /// The columns a file of <paramref name="scenario"/> must have in its header: Purview's shape of that
    /// scenario (a column may be present and a row's cell empty where the field is optional).
    /// </summary>
    public static IReadOnlyList<HrField> HeaderFields(HrScenario scenario) => scenario switch
    {
        HrScenario.Resignation => [HrField.EmailAddress, HrField.ResignationDate, HrField.LastWorkingDate],
        HrScenario.JobLevelChange => [HrField.EmailAddress, HrField.EffectiveDate, HrField.Remarks, HrField.OldLevel, HrField.NewLevel],
        HrScenario.PerformanceReview or HrScenario.PerformanceImprovementPlan => [HrField.EmailAddress, HrField.EffectiveDate, HrField.Remarks, HrField.Rating],
        _ => [HrField.EmailAddress],
    };

    /// <summary>The fields a row of <paramref name="scenario"/> must have a value in.</summary>
    public static IReadOnlyList<HrField> RequiredFields(HrScenario scenario) => scenario switch
    {
        HrScenario.Resignation => [HrField.EmailAddress, HrField.ResignationDate],
        HrScenario.JobLevelChange => [HrField.EmailAddress, HrField.EffectiveDate, HrField.OldLevel, HrField.NewLevel],
        HrScenario.PerformanceReview => [HrField.EmailAddress, HrField.EffectiveDate, HrField.Rating],
        HrScenario.PerformanceImprovementPlan => [HrField.EmailAddress, HrField.EffectiveDate],
        _ => [HrField.EmailAddress],
    };

    /// <summary>The header columns a file must have: email and the scenario column, or the single scenario's shape.</summary>
    public IReadOnlyList<string> RequiredHeader =>
        ScenarioColumn is { } scenarioColumn
            ? [EmailAddress, scenarioColumn]
            : HeaderFields(Scenario).Select(f => this[f]).ToList();
}

/// <summary>A field of an HR row, whatever column it is in.</summary>
public enum HrField
{
    EmailAddress,
    ResignationDate,
    LastWorkingDate,
    EffectiveDate,
    Remarks,
    OldLevel,
    NewLevel,
    Rating,
    FirstName,
    LastName,
    StreetAddress,
    City,
    State,
    PostalCode,
    Country,
    Department,
    EmployeeType,
    EmployeeRole,
}
