using System.Text;
using Connectors.Sources.Hr;

namespace Connectors.Tests;

public sealed class HrCsvTests
{
    private static readonly HrColumns Columns = HrColumns.Default;

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void AValidFileIsAcceptedAndCountsItsDataRows()
    {
        var (rows, problem) = HrCsv.Check(Utf8("EmailAddress,ResignationDate,LastWorkingDate\na@contoso.com,2024-01-01,\n\nb@contoso.com,2024-01-02,2024-02-01\n"), Columns);

        Assert.Null(problem);
        Assert.Equal(2, rows);
    }

    [Fact]
    public void ColumnNamesMatchWhateverTheirCaseAndOrderAndExtraColumnsAreIgnored()
    {
        var csv = Utf8("Department,lastworkingdate,EMAILADDRESS,resignationDate\nSales,2024-02-01,a@contoso.com,2024-01-01\n");

        Assert.Null(HrCsv.Check(csv, Columns).Problem);
        var row = Assert.Single(HrCsv.Parse(csv, Columns));
        Assert.Equal("a@contoso.com", row.Record!.EmailAddress);
        Assert.Equal("2024-02-01", row.Record.LastWorkingDate!.Text);
    }

    [Fact]
    public void AdministratorMappedColumnNamesAreUsed()
    {
        var columns = new HrSettings(EmailAddressColumn: "Work Email", ResignationDateColumn: "Resigned").Columns;
        var csv = Utf8("Work Email,Resigned,LastWorkingDate\na@contoso.com,2024-01-01,\n");

        Assert.Null(HrCsv.Check(csv, columns).Problem);
        Assert.Equal("a@contoso.com", Assert.Single(HrCsv.Parse(csv, columns)).Record!.EmailAddress);
        Assert.Equal("Work Email", HrCsv.Check(Utf8("EmailAddress,Resigned,LastWorkingDate\n"), columns).Problem!.Field);
    }

    [Fact]
    public void AMissingColumnIsNamed()
    {
        var problem = HrCsv.Check(Utf8("EmailAddress,LastWorkingDate\na@contoso.com,2024-01-01\n"), Columns).Problem;

        Assert.Equal(HrFileProblemKind.Header, problem!.Kind);
        Assert.Equal("ResignationDate", problem.Field);
        Assert.Contains("ResignationDate", problem.Message);
    }

    [Fact]
    public void AnEmptyFileIsAProblem() =>
        Assert.Equal(HrFileProblemKind.Empty, HrCsv.Check(Array.Empty<byte>(), Columns).Problem!.Kind);

    [Fact]
    public void InvalidUtf8IsRefusedWithItsOffset()
    {
        var bytes = Encoding.Latin1.GetBytes("EmailAddress,ResignationDate,LastWorkingDate\nzoë@contoso.com,2024-01-01,\n");
        var problem = HrCsv.Check(bytes, Columns).Problem;

        Assert.Equal(HrFileProblemKind.Encoding, problem!.Kind);
        Assert.Contains("UTF-8", problem.Message);
    }

    [Fact]
    public void AByteOrderMarkIsAccepted()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Utf8("EmailAddress,ResignationDate,LastWorkingDate\na@contoso.com,2024-01-01,\n")).ToArray();

        Assert.Null(HrCsv.Check(bytes, Columns).Problem);
    }

    [Fact]
    public void MoreThanFiftyThousandRowsIsTooMany()
    {
        var csv = new StringBuilder("EmailAddress,ResignationDate,LastWorkingDate\n");
        for (var i = 0; i < HrCsv.MaxRows; i++)
        {
            csv.Append("a@contoso.com,2024-01-01,\n");
        }
        Assert.Null(HrCsv.Check(Utf8(csv.ToString()), Columns).Problem);

        csv.Append("a@contoso.com,2024-01-01,\n");
        Assert.Equal(HrFileProblemKind.TooManyRows, HrCsv.Check(Utf8(csv.ToString()), Columns).Problem!.Kind);
    }

    [Fact]
    public void BadRowsComeBackWithRowNumberFieldAndReason()
    {
        var csv = Utf8("EmailAddress,ResignationDate,LastWorkingDate\n" +
                       "not-an-email,2024-01-01,\n" +
                       "a@contoso.com,,\n" +
                       "b@contoso.com,2024-01-01,tomorrow\n" +
                       "c@contoso.com,2024-01-01\n" +
                       "d@contoso.com,2024-01-01,\n");

        var rows = HrCsv.Parse(csv, Columns).ToList();

        Assert.Equal([2, 3, 4, 5, 6], rows.Select(r => r.RowNumber));
        Assert.Equal(("EmailAddress", true), (rows[0].Field, rows[0].Error!.Contains("not-an-email")));
        Assert.Equal(("ResignationDate", true), (rows[1].Field, rows[1].Error!.Contains("empty")));
        Assert.Equal(("LastWorkingDate", true), (rows[2].Field, rows[2].Error!.Contains("tomorrow")));
        Assert.Equal("row", rows[3].Field);
        Assert.NotNull(rows[4].Record);
    }

    [Fact]
    public void QuotedFieldsMayContainCommas()
    {
        var csv = Utf8("EmailAddress,ResignationDate,LastWorkingDate,Remarks\na@contoso.com,2024-01-01,,\"Left, on good terms\"\n");

        Assert.NotNull(Assert.Single(HrCsv.Parse(csv, Columns)).Record);
    }

    [Theory]
    [InlineData("2019-04-23T15:18:02.4675041+05:30", "2019-04-23T09:48:02.4675041+00:00", false)]
    [InlineData("2019-04-23T15:18:02Z", "2019-04-23T15:18:02.0000000+00:00", false)]
    [InlineData("2019-04-23T15:18:02.5-04:00", "2019-04-23T19:18:02.5000000+00:00", false)]
    [InlineData("2019-04-23T15:18:02", "2019-04-23T15:18:02.0000000+00:00", true)]
    [InlineData("2019-04-23T15:18", "2019-04-23T15:18:00.0000000+00:00", true)]
    [InlineData("2019-04-23", "2019-04-23T00:00:00.0000000+00:00", true)]
    public void IsoDatesAreReadInUtcAndAMissingOffsetIsFlagged(string text, string utc, bool assumed)
    {
        Assert.True(HrCsv.TryParseDate(text, out var date, out _));
        Assert.Equal(DateTimeOffset.Parse(utc), date!.Utc);
        Assert.Equal(TimeSpan.Zero, date.Utc.Offset);
        Assert.Equal(assumed, date.OffsetAssumed);
        Assert.Equal(text, date.Text);
    }

    [Theory]
    [InlineData("04/23/2019")]
    [InlineData("2019-02-30")]
    [InlineData("2019-04-23T25:00:00Z")]
    [InlineData("2019-04-23T15:18:02.123456789Z")]
    [InlineData("2019-04-23 15:18:02")]
    public void NonIsoOrImpossibleDatesAreRejected(string text) =>
        Assert.False(HrCsv.TryParseDate(text, out _, out _));

    [Fact]
    public void TheSameEventWrittenDifferentlyHasTheSameDedupKey()
    {
        HrRecord Record(string email, string resigned)
        {
            HrCsv.TryParseDate(resigned, out var date, out _);
            return new HrRecord(HrCsv.Resignation, email, date!, null);
        }

        Assert.Equal(HrSignalSource.DedupKey(Record("A@Contoso.com", "2024-01-01T05:30:00+05:30")),
                     HrSignalSource.DedupKey(Record("a@contoso.com", "2024-01-01T00:00:00Z")));
        Assert.NotEqual(HrSignalSource.DedupKey(Record("a@contoso.com", "2024-01-01")),
                        HrSignalSource.DedupKey(Record("a@contoso.com", "2024-01-02")));
    }
    // --- The five scenarios -------------------------------------------------------------------------------

    private static HrColumns Single(HrScenario scenario) => new HrSettings(Scenario: scenario.ToString()).Columns;

    [Fact]
    public void AJobLevelChangeFileIsReadInPurviewsShape()
    {
        var columns = Single(HrScenario.JobLevelChange);
        var csv = Utf8("EmailAddress,EffectiveDate,Remarks,OldLevel,NewLevel\n" +
                       "a@contoso.com,2024-03-01T09:00:00.5+01:00,\"Promoted, well deserved\",Level 61,Level 62\n" +
                       "b@contoso.com,2024-03-02,,Level 63,Level 62\n");

        Assert.Null(HrCsv.Check(csv, columns).Problem);
        var rows = HrCsv.Parse(csv, columns).Select(r => r.Record!).ToList();

        Assert.Equal(["JobLevelChange", "JobLevelChange"], rows.Select(r => r.Scenario));
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 8, 0, 0, 500, TimeSpan.Zero), rows[0].EffectiveDate!.Utc);
        Assert.False(rows[0].OffsetAssumed);
        Assert.Equal(("Promoted, well deserved", "Level 61", "Level 62"), (rows[0].Remarks, rows[0].OldLevel, rows[0].NewLevel));
        Assert.Null(rows[1].Remarks);
        Assert.True(rows[1].OffsetAssumed);
        Assert.Equal(rows[1].EffectiveDate, rows[1].EventDate);
    }

    [Theory]
    [InlineData(HrScenario.PerformanceReview)]
    [InlineData(HrScenario.PerformanceImprovementPlan)]
    public void PerformanceFilesAreReadWithTheirRatingAndRemarks(HrScenario scenario)
    {
        var columns = Single(scenario);
        var csv = Utf8("EmailAddress,EffectiveDate,Remarks,Rating\na@contoso.com,2024-06-30T23:59:59Z,Below expectations,2 - Needs improvement\n");

        Assert.Null(HrCsv.Check(csv, columns).Problem);
        var record = Assert.Single(HrCsv.Parse(csv, columns)).Record!;
        Assert.Equal(scenario.ToString(), record.Scenario);
        Assert.Equal(("Below expectations", "2 - Needs improvement"), (record.Remarks, record.Rating));
        Assert.Equal(new DateTimeOffset(2024, 6, 30, 23, 59, 59, TimeSpan.Zero), record.EffectiveDate!.Utc);
    }

    [Fact]
    public void AReviewNeedsARatingButAnImprovementPlanDoesNot()
    {
        var csv = Utf8("EmailAddress,EffectiveDate,Remarks,Rating\na@contoso.com,2024-06-30,On a plan,\n");

        var review = Assert.Single(HrCsv.Parse(csv, Single(HrScenario.PerformanceReview)));
        Assert.Equal(("Rating", true), (review.Field, review.Error!.Contains("empty")));
        Assert.NotNull(Assert.Single(HrCsv.Parse(csv, Single(HrScenario.PerformanceImprovementPlan))).Record);
    }

    [Fact]
    public void AnEmployeeProfileKeepsTheMappedColumnsThatHaveAValue()
    {
        var columns = Single(HrScenario.EmployeeProfile);
        var csv = Utf8("EmailAddress,FirstName,LastName,StreetAddress,City,State,PostalCode,Country,Department,EmployeeType,EmployeeRole,Salary\n" +
                       "a@contoso.com,Alice,Smith,1 Main St,Seattle,WA,98052,USA,Sales,Full-time,Account manager,100000\n" +
                       "b@contoso.com,Bob,,,,,,,Finance,,,\n");

        Assert.Null(HrCsv.Check(csv, columns).Problem);
        var rows = HrCsv.Parse(csv, columns).Select(r => r.Record!).ToList();

        Assert.Equal("EmployeeProfile", rows[0].Scenario);
        Assert.Equal("Account manager", rows[0].Profile!["employeeRole"]);
        Assert.Equal("98052", rows[0].Profile!["postalCode"]);
        Assert.Equal(10, rows[0].Profile!.Count); // Salary is not a mapped field
        Assert.Equal(["department", "firstName"], rows[1].Profile!.Keys);
        Assert.Null(rows[0].EventDate);
    }

    [Fact]
    public void AProfileFileNeedsOnlyTheEmailColumn()
    {
        var columns = Single(HrScenario.EmployeeProfile);

        Assert.Null(HrCsv.Check(Utf8("emailaddress,Department\na@contoso.com,Sales\n"), columns).Problem);
        Assert.Equal("EmailAddress", HrCsv.Check(Utf8("Email,Department\na@contoso.com,Sales\n"), columns).Problem!.Field);
    }

    [Theory]
    [InlineData(HrScenario.JobLevelChange, "EmailAddress,EffectiveDate,Remarks,NewLevel\n", "OldLevel")]
    [InlineData(HrScenario.PerformanceReview, "EmailAddress,EffectiveDate,Remarks\n", "Rating")]
    [InlineData(HrScenario.PerformanceImprovementPlan, "EmailAddress,Remarks,Rating\n", "EffectiveDate")]
    public void ASingleScenarioFileNeedsThatScenariosColumns(HrScenario scenario, string header, string missing)
    {
        var problem = HrCsv.Check(Utf8(header), Single(scenario)).Problem;

        Assert.Equal((HrFileProblemKind.Header, missing), (problem!.Kind, problem.Field));
        Assert.Contains($"'{missing}'", problem.Message);
    }

    [Fact]
    public void RenamedColumnsOfEveryFieldAreMatchedWhateverTheirCase()
    {
        var columns = new HrSettings(EmailAddressColumn: "Work Email", EffectiveDateColumn: "Changed On", RemarksColumn: "Note",
            OldLevelColumn: "From Grade", NewLevelColumn: "To Grade", Scenario: "joblevelchange").Columns;
        var csv = Utf8("to grade,WORK EMAIL, changed on ,note,from grade\nLevel 2,a@contoso.com,2024-01-01,,Level 1\n");

        Assert.Null(HrCsv.Check(csv, columns).Problem);
        var record = Assert.Single(HrCsv.Parse(csv, columns)).Record!;
        Assert.Equal(("a@contoso.com", "Level 1", "Level 2"), (record.EmailAddress, record.OldLevel, record.NewLevel));
        Assert.Equal("From Grade", HrCsv.Check(Utf8("Work Email,Changed On,Note,To Grade\n"), columns).Problem!.Field);
    }

    private static readonly HrColumns Mixed = new HrSettings(
        ScenarioColumn: "HRScenario",
        ScenarioValues: new() { ["Leaver"] = "Resignation", ["Promotion"] = "JobLevelChange", ["PIP"] = "PerformanceImprovementPlan" }).Columns;

    private const string MixedHeader = "HRScenario,EmailAddress,ResignationDate,LastWorkingDate,EffectiveDate,Remarks,OldLevel,NewLevel,Rating,Department\n";

    [Fact]
    public void OneFileMayMixScenariosThroughAScenarioColumnWithMappedValues()
    {
        var csv = Utf8(MixedHeader +
                       "leaver,a@contoso.com,2024-01-01T10:00:00+02:00,2024-01-31,,,,,,\n" +
                       "Promotion,b@contoso.com,,,2024-02-01,,L1,L2,,\n" +
                       "PerformanceReview,c@contoso.com,,,2024-03-01,Good,,,4,\n" +
                       "pip,d@contoso.com,,,2024-04-01,Plan agreed,,,,\n" +
                       "EMPLOYEEPROFILE,e@contoso.com,,,,,,,,Legal\n");

        Assert.Null(HrCsv.Check(csv, Mixed).Problem);
        var rows = HrCsv.Parse(csv, Mixed).ToList();

        Assert.All(rows, r => Assert.Null(r.Error));
        Assert.Equal(["Resignation", "JobLevelChange", "PerformanceReview", "PerformanceImprovementPlan", "EmployeeProfile"],
            rows.Select(r => r.Record!.Scenario));
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 8, 0, 0, TimeSpan.Zero), rows[0].Record!.ResignationDate!.Utc);
        Assert.Equal("4", rows[2].Record!.Rating);
        Assert.Null(rows[2].Record!.OldLevel);
        Assert.Equal("Legal", rows[4].Record!.Profile!["department"]);
    }

    [Fact]
    public void AMixedFileNeedsTheEmailAndScenarioColumnsUpFrontAndEachRowItsScenariosColumns()
    {
        Assert.Equal("HRScenario", HrCsv.Check(Utf8("EmailAddress,ResignationDate,LastWorkingDate\n"), Mixed).Problem!.Field);

        var csv = Utf8("hrscenario,EmailAddress,ResignationDate\nLeaver,a@contoso.com,2024-01-01\nPromotion,b@contoso.com,2024-01-01\n");
        Assert.Null(HrCsv.Check(csv, Mixed).Problem);
        var rows = HrCsv.Parse(csv, Mixed).ToList();

        Assert.NotNull(rows[0].Record);
        Assert.Equal((3, "EffectiveDate"), (rows[1].RowNumber, rows[1].Field));
        Assert.Contains("no column 'EffectiveDate'", rows[1].Error);
    }

    [Fact]
    public void AnUnknownOrEmptyScenarioValueFailsNamingTheScenarioColumn()
    {
        var csv = Utf8(MixedHeader +
                       "Sabbatical,a@contoso.com,2024-01-01,,,,,,,\n" +
                       ",b@contoso.com,2024-01-01,,,,,,,\n");

        var rows = HrCsv.Parse(csv, Mixed).ToList();

        Assert.Equal(("HRScenario", 2), (rows[0].Field, rows[0].RowNumber));
        Assert.Contains("'Sabbatical'", rows[0].Error);
        Assert.Contains("Leaver", rows[0].Error); // the known values are listed
        Assert.Equal(("HRScenario", 3), (rows[1].Field, rows[1].RowNumber));
        Assert.Contains("empty", rows[1].Error);
    }

    [Fact]
    public void ShortRowsFailWithTheirRowNumberInEveryScenario()
    {
        var csv = Utf8(MixedHeader +
                       "Promotion,b@contoso.com,,,2024-02-01,,L1,L2,,\n" +
                       "Promotion,b@contoso.com,,,2024-02-01\n" +
                       "PerformanceReview,c@contoso.com\n");

        var rows = HrCsv.Parse(csv, Mixed).ToList();

        Assert.NotNull(rows[0].Record);
        Assert.Equal([(3, "row"), (4, "row")], rows.Skip(1).Select(r => (r.RowNumber, r.Field!)));
        Assert.Contains("the header has 10", rows[1].Error);
    }

    [Fact]
    public void RemarksOfMoreThan200AndRatingsOfMoreThan25CharactersFail()
    {
        var columns = Single(HrScenario.PerformanceReview);
        var csv = Utf8("EmailAddress,EffectiveDate,Remarks,Rating\n" +
                       $"a@contoso.com,2024-01-01,{new string('r', 200)},{new string('x', 25)}\n" +
                       $"b@contoso.com,2024-01-01,{new string('r', 201)},3\n" +
                       $"c@contoso.com,2024-01-01,ok,{new string('x', 26)}\n");

        var rows = HrCsv.Parse(csv, columns).ToList();

        Assert.NotNull(rows[0].Record);
        Assert.Equal(("Remarks", 3), (rows[1].Field, rows[1].RowNumber));
        Assert.Contains("201", rows[1].Error);
        Assert.Equal(("Rating", 4), (rows[2].Field, rows[2].RowNumber));
        Assert.Contains("26", rows[2].Error);
    }

    [Fact]
    public void AnEffectiveDateKeepsItsOffsetFractionOrTheFlagThatItHadNone()
    {
        var columns = Single(HrScenario.PerformanceImprovementPlan);
        var csv = Utf8("EmailAddress,EffectiveDate,Remarks,Rating\n" +
                       "a@contoso.com,2019-04-23T15:18:02.4675041+05:30,,\n" +
                       "b@contoso.com,2019-04-23T15:18:02.4675041,,\n" +
                       "c@contoso.com,2019-04-23T15:18:02Z,,\n" +
                       "d@contoso.com,23/04/2019,,\n");

        var rows = HrCsv.Parse(csv, columns).ToList();

        Assert.Equal(new DateTimeOffset(2019, 4, 23, 9, 48, 2, TimeSpan.Zero).AddTicks(4675041), rows[0].Record!.EffectiveDate!.Utc);
        Assert.False(rows[0].Record!.OffsetAssumed);
        Assert.Equal(new DateTimeOffset(2019, 4, 23, 15, 18, 2, TimeSpan.Zero).AddTicks(4675041), rows[1].Record!.EffectiveDate!.Utc);
        Assert.True(rows[1].Record!.OffsetAssumed);
        Assert.False(rows[2].Record!.OffsetAssumed);
        Assert.Equal(("EffectiveDate", true), (rows[3].Field, rows[3].Error!.Contains("23/04/2019")));
    }

    [Fact]
    public void ExistingResignationSettingsStillReadTheSame()
    {
        var connector = new global::Connectors.Connectors.Connector
        {
            Name = "HR", Type = global::Connectors.Connectors.ConnectorTypes.Hr,
            Settings = """{"emailAddressColumn":"Mail","resignationDateColumn":"Quit","lastWorkingDateColumn":"LastDay"}""",
        };

        var columns = global::Connectors.Connectors.ConnectorSettings.Read<HrSettings>(connector).Columns;

        Assert.Equal((HrScenario.Resignation, (string?)null), (columns.Scenario, columns.ScenarioColumn));
        Assert.Equal(["Mail", "Quit", "LastDay"], columns.RequiredHeader);
    }

    [Fact]
    public void SettingsAreValidatedFieldByField()
    {
        var errors = new HrSettings(RemarksColumn: " ", Scenario: "Promotion", ScenarioValues: new() { ["X"] = "Sabbatical" }).Validate();

        Assert.Contains("settings.remarksColumn", errors.Keys);
        Assert.Contains("settings.scenario", errors.Keys);
        Assert.Contains("settings.scenarioValues", errors.Keys);
        Assert.Contains("settings", new HrSettings(RatingColumn: "Remarks").Validate().Keys);
        Assert.Empty(new HrSettings(ScenarioColumn: "HRScenario", ScenarioValues: new() { ["Leaver"] = "resignation" }).Validate());
    }

    [Fact]
    public void ADedupKeyCoversTheScenariosFieldsSoAChangedProfileIsNewAndTheSameOneIsNot()
    {
        HrRecord Profile(string email, string department) =>
            new(nameof(HrScenario.EmployeeProfile), email, null, null) { Profile = new Dictionary<string, string> { ["department"] = department } };
        HrRecord Review(string rating)
        {
            HrCsv.TryParseDate("2024-01-01", out var date, out _);
            return new(nameof(HrScenario.PerformanceReview), "a@contoso.com", null, null) { EffectiveDate = date, Rating = rating };
        }

        Assert.Equal(HrSignalSource.DedupKey(Profile("A@contoso.com", "Sales")), HrSignalSource.DedupKey(Profile("a@contoso.com", "Sales")));
        Assert.NotEqual(HrSignalSource.DedupKey(Profile("a@contoso.com", "Sales")), HrSignalSource.DedupKey(Profile("a@contoso.com", "Legal")));
        Assert.NotEqual(HrSignalSource.DedupKey(Review("3")), HrSignalSource.DedupKey(Review("4")));
    }
}
