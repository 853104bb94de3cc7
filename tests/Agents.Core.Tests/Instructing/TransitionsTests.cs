using Agents.Core.Instructing;

namespace Agents.Core.Tests.Instructing;

public sealed class TransitionsTests
{
    [Fact]
    public void Compute_HandFixture_CountsAndFractions()
    {
        (bool?, bool?)[] pairs =
        [
            (true, true), (true, true), (true, true), (true, false), (false, true),
            (false, false), (false, false), (true, true), (null, true), (false, null),
        ];

        var table = Transitions.Compute(pairs);

        Assert.Equal((4, 1, 1, 2, 2, 8), (table.CorrectToCorrect, table.CorrectToIncorrect, table.IncorrectToCorrect, table.IncorrectToIncorrect, table.Skipped, table.Total));
        Assert.Equal((0.5, 0.125, 0.125, 0.25), (table.CorrectToCorrectRate, table.CorrectToIncorrectRate, table.IncorrectToCorrectRate, table.IncorrectToIncorrectRate));
        Assert.Equal((0.625, 0.625), (table.AccuracyBefore, table.AccuracyAfter));
    }

    [Fact]
    public void Compute_Empty_AllZero()
    {
        var table = Transitions.Compute([]);

        Assert.Equal((0, 0.0, 0.0), (table.Total, table.CorrectToIncorrectRate, table.AccuracyAfter));
    }

    [Fact]
    public void PerIteration_Sequences_OneTablePerStep()
    {
        IReadOnlyList<bool?>[] sequences =
        [
            [true, true, false],
            [false, true, true],
            [false, false, false],
            [true, true],
        ];

        var tables = Transitions.PerIteration(sequences);

        Assert.Equal(2, tables.Length);
        Assert.Equal((2, 0, 1, 1, 0), (tables[0].CorrectToCorrect, tables[0].CorrectToIncorrect, tables[0].IncorrectToCorrect, tables[0].IncorrectToIncorrect, tables[0].Skipped));
        Assert.Equal((1, 1, 0, 1, 1), (tables[1].CorrectToCorrect, tables[1].CorrectToIncorrect, tables[1].IncorrectToCorrect, tables[1].IncorrectToIncorrect, tables[1].Skipped));
    }

    [Fact]
    public void AccuracyByIteration_SkipsUnknown()
    {
        IReadOnlyList<bool?>[] sequences = [[true, null, true], [false, true, true], [false, false]];

        var accuracy = Transitions.AccuracyByIteration(sequences);

        Assert.Equal([1 / 3.0, 0.5, 1.0], accuracy.ToArray());
    }

    [Fact]
    public void Shares_IgnoresCopiedForward()
    {
        var shares = Transitions.Shares([IortInstruction.Select, IortInstruction.Stop, IortInstruction.CopiedForward, IortInstruction.Refresh, IortInstruction.Select]);

        Assert.Equal((2, 1, 1, 4), (shares.Select, shares.Stop, shares.Refresh, shares.Total));
        Assert.Equal((0.5, 0.25, 0.25), (shares.SelectShare, shares.StopShare, shares.RefreshShare));
    }
}
