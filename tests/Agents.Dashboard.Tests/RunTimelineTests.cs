using Agents.Contracts.Runs;
using Agents.Dashboard.Services;

namespace Agents.Dashboard.Tests;

public sealed class RunTimelineTests
{
    private static TranscriptEntry Entry(int seq, string from, string to, string kind, int round, string text) =>
        new(seq, from, to, kind, text, 10, 5, DateTimeOffset.UnixEpoch.AddSeconds(seq), round);

    [Fact]
    public void ParseClassification_MagicoreLine_ReadsEveryFact()
    {
        var c = RunTimeline.ParseClassification(
            "iteration 1: hard; M='54' Q=-1.679 cond1=False conf_orm=0.412 conf_prm=0.377 (mu=1.077 sigma=0.547, dataset)");

        Assert.Equal(new Classification(1, true, "54", -1.679, false, 0.412, 0.377), c);
    }

    [Fact]
    public void ParseClassification_OtherText_IsNull() => Assert.Null(RunTimeline.ParseClassification("RM-weighted vote over the final pool: '55'"));

    [Fact]
    public void ParseScores_ScorerLines_ReadsOrmAndPrmPerChain()
    {
        var chains = RunTimeline.ParseScores("chain 0: orm=0.081 prm=[0.07, 0.12]\nchain 1: orm=0.920 prm=[0.83, 0.88, 0.91]\nnoise");

        Assert.Equal(2, chains.Count);
        Assert.Equal((0, 0.081), (chains[0].Chain, chains[0].Orm));
        Assert.Equal([0.07, 0.12], chains[0].Prm);
        Assert.Equal([0.83, 0.88, 0.91], chains[1].Prm);
    }

    [Fact]
    public void Build_GroupsRoundsAndOrdersLanes()
    {
        TranscriptEntry[] entries =
        [
            Entry(2, "scorer", "run", "scores", 0, "chain 0: orm=0.5 prm=[0.5]"),
            Entry(0, "run", "solver", "solve-request", 0, "k=1"),
            Entry(1, "solver", "run", "sample", 0, "Step 1: 1 + 1 = 2.   The answer is 2."),
            Entry(3, "refiner", "run", "refinement", 1, "chain 0:\nStep 1"),
            Entry(4, "reviewer", "refiner", "feedback", 1, "chain 0: fine"),
        ];

        var rounds = RunTimeline.Build(entries);

        Assert.Equal([0, 1], rounds.Select(r => r.Round));
        Assert.Equal([0, 1, 2], rounds[0].Messages.Select(m => m.Entry.Seq));
        Assert.Equal(["run", "solver", "scorer", "reviewer", "refiner"], RunTimeline.Lanes(entries).ToArray());
        Assert.Single(rounds[0].Messages[2].Scores);
        Assert.Equal("Step 1: 1 + 1 = 2. The answer is 2.", rounds[0].Messages[1].Excerpt);
    }

    [Fact]
    public void Excerpt_LongText_IsCutWithEllipsis() => Assert.Equal("abcd…", RunTimeline.Excerpt("abcdefgh", 5));
}
