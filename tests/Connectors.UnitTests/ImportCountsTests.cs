using Connectors.Runs;

namespace Connectors.Tests;

public sealed class ImportCountsTests
{
    [Fact]
    public void BalancedCountsHaveNoImbalance()
    {
        var counts = new ImportCounts
        {
            ItemsFromSource = 10, ItemsParsed = 9, ItemsFailedToParse = 1, ItemsForImport = 12,
            ItemsImported = 6, ItemsPartiallyImported = 1, ItemsSkippedDuplicate = 2, ItemsFailed = 1, ItemsQuarantined = 1, ItemsExcluded = 1,
        };

        Assert.Empty(counts.Imbalances());
    }

    [Fact]
    public void AnItemLostBetweenSourceAndParsingIsReported()
    {
        var counts = new ImportCounts { ItemsFromSource = 3, ItemsParsed = 2, ItemsForImport = 2, ItemsImported = 2 };

        Assert.Contains("from source (3)", Assert.Single(counts.Imbalances()));
    }

    [Fact]
    public void AnItemForImportThatEndedNowhereIsReported()
    {
        var counts = new ImportCounts { ItemsFromSource = 3, ItemsParsed = 3, ItemsForImport = 3, ItemsImported = 1, ItemsSkippedDuplicate = 1 };

        Assert.Contains("for import (3)", Assert.Single(counts.Imbalances()));
    }
}
