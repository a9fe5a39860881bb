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
}
