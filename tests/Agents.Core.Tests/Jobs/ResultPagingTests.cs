using Agents.Core.Jobs;

namespace Agents.Core.Tests.Jobs;

public sealed class ResultPagingTests
{
    [Fact]
    public void Segments_RangeOverThreeGrains_OneRunPerGrain()
    {
        Assert.Equal(
            [new ResultSegment(0, 6, 0, 2), new ResultSegment(1, 0, 2, 8), new ResultSegment(2, 0, 10, 1)],
            ResultPaging.Segments(6, 17, size: 8));
        Assert.Empty(ResultPaging.Segments(5, 5, 8));
        Assert.Empty(ResultPaging.Segments(9, 3, 8));
    }

    [Theory]
    [InlineData(0, 100, 40, 40)]
    [InlineData(10, 5, 40, 15)]
    [InlineData(10, 0, 40, 11)]          // at least one
    [InlineData(0, 50_000, 30_000, 10_000)]
    [InlineData(50, 10, 40, 40)]         // past the end: an empty page
    public void PageEnd_MaxClampedAndCappedAtLimit(int from, int max, int limit, int expected) =>
        Assert.Equal(expected, ResultPaging.PageEnd(from, max, limit));

    [Fact]
    public void Locate_InputPositions_ChunksInIndexOrderAndOneChunkPerPage()
    {
        var sizes = new Dictionary<int, int> { [2] = 5, [0] = 10, [1] = 3 };

        Assert.Equal(new InputWindow(0, 0, 4, 10), ResultPaging.Locate(sizes, 4, 100));
        Assert.Equal(new InputWindow(1, 10, 1, 3), ResultPaging.Locate(sizes, 11, 100));
        Assert.Equal(new InputWindow(2, 13, 0, 2), ResultPaging.Locate(sizes, 13, 2));
        Assert.Equal(15, ResultPaging.Locate(sizes, 13, 2)!.Value.Next);
        Assert.Null(ResultPaging.Locate(sizes, 18, 100));
    }
}
