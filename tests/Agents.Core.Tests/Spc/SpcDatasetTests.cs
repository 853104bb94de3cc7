using System.Collections.Immutable;
using System.Text.Json;
using Agents.Core.Spc;

namespace Agents.Core.Tests.Spc;

public sealed class SpcDatasetTests
{
    internal static GameRecord Record(int game, bool valid, CriticVerdict attack, CriticVerdict paired, int calls = 10)
    {
        var rewards = SpcGame.Rewards(valid, attack, valid ? paired : null);
        var turns = ImmutableArray.CreateBuilder<GameTurn>();
        turns.Add(new GameTurn(SpcPlayers.Generator, string.Empty, $"attack {game}", $"Error Type: calculation error\nModified Step: s{game}", rewards.Generator));
        if (valid)
        {
            turns.Add(new GameTurn(SpcPlayers.Critic, "sys", $"judge {game}", $"<Answer>{attack}</Answer>", rewards.Critic));
            turns.Add(new GameTurn(SpcPlayers.PairedCritic, "sys", $"judge original {game}", $"<Answer>{paired}</Answer>", rewards.PairedCritic));
        }

        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return new GameRecord("L", 1, game, "gen-0", "critic-0", "solver", $"p{game}", 100 + game, "0123456789abcdef", start, start.AddSeconds(3),
            1, CriticPrompt.StepJoiner, "calculation error", AttackParseStatus.Ok, 1, valid ? 0 : 1, valid, valid ? null : SpcGame.ReasonNoDrop,
            valid ? attack : CriticVerdict.Invalid, valid ? paired : CriticVerdict.Invalid, valid && attack == CriticVerdict.Invalid ? 1 : 0, turns.ToImmutable(), calls, 1000, 200);
    }

    private static GameRecord[] Round() =>
    [
        Record(0, true, CriticVerdict.Incorrect, CriticVerdict.Correct),
        Record(1, true, CriticVerdict.Incorrect, CriticVerdict.Correct),
        Record(2, true, CriticVerdict.Correct, CriticVerdict.Incorrect),
        Record(3, true, CriticVerdict.Invalid, CriticVerdict.Correct),
        Record(4, false, CriticVerdict.Invalid, CriticVerdict.Invalid),
    ];

    [Fact]
    public void Compute_Round_StatisticsFromRecords()
    {
        var stats = RoundStatistics.Compute(1, Round());

        Assert.Equal((5, 4), (stats.Games, stats.ValidGames));
        Assert.Equal(2.0 / 4, stats.CriticAccuracyAttacked);
        Assert.Equal(3.0 / 4, stats.CriticAccuracyOriginal);
        Assert.Equal(4.0 / 5, stats.GeneratorSuccessVsSolver);
        Assert.Equal(1.0 / 4, stats.GeneratorSuccessVsCritic);
        Assert.Equal(1.0 / 5, stats.InvalidAttackRate);
        Assert.Equal((1, 50L, 5000L, 1000L), (stats.CriticInvalidOutputs, stats.Calls, stats.PromptTokens, stats.CompletionTokens));
    }

    [Fact]
    public void Samples_Round_OnlyRewardedTurnsWithRoles()
    {
        var samples = SpcDataset.Samples(Round());

        // Generator: games 0..2 and 4 (game 3 is no contest); critic: 3 attacked + 4 paired.
        Assert.Equal(4, samples.Count(s => s.Role == SpcPlayers.Generator));
        Assert.Equal(7, samples.Count(s => s.Role == SpcPlayers.Critic));
        Assert.Equal(new[] { -1, -1, 1, -1 }, samples.Where(s => s.Role == SpcPlayers.Generator).Select(s => s.Reward));
        Assert.All(samples, s => Assert.Equal("0123456789abcdef", s.PromptHash));
    }

    [Fact]
    public void Balance_Downsample_EqualSignsPerRoleKeepingMinority()
    {
        var samples = SpcDataset.Samples(Round());

        var balanced = SpcDataset.Balance(samples, SpcOptions.Default, seed: 5);

        Assert.Equal((1, 1), Signs(balanced, SpcPlayers.Generator));
        Assert.Equal((2, 2), Signs(balanced, SpcPlayers.Critic));
        Assert.Equal(balanced.ToArray(), SpcDataset.Balance(samples, SpcOptions.Default, seed: 5).ToArray());
        Assert.Equal(samples.ToArray(), SpcDataset.Balance(samples, SpcOptions.Default with { Balance = BalanceMode.None }, 5).ToArray());
        var oneToThree = SpcDataset.Balance(samples, SpcOptions.Default with { TargetPositiveShare = 0.25 }, 5);
        Assert.Equal((1, 3), Signs(oneToThree, SpcPlayers.Generator));
    }

    [Fact]
    public void RewardRows_Trl_ConversationalPromptCompletionReward()
    {
        var sample = SpcDataset.Samples(Round()).First(s => s.Role == SpcPlayers.Critic);

        using var row = JsonDocument.Parse(SpcDataset.RewardRows([sample], ExportFormat.Trl).Single());

        var root = row.RootElement;
        Assert.Equal("system", root.GetProperty("prompt")[0].GetProperty("role").GetString());
        Assert.Equal("judge 0", root.GetProperty("prompt")[1].GetProperty("content").GetString());
        Assert.Equal("assistant", root.GetProperty("completion")[0].GetProperty("role").GetString());
        Assert.Equal("<Answer>Incorrect</Answer>", root.GetProperty("completion")[0].GetProperty("content").GetString());
        Assert.Equal(1.0, root.GetProperty("reward").GetDouble());
        Assert.Equal("L/1/0", root.GetProperty("game").GetString());
    }

    [Fact]
    public void RewardRows_OpenRlhf_InputOutputRewardWeight()
    {
        var sample = SpcDataset.Samples(Round())[0];

        using var row = JsonDocument.Parse(SpcDataset.RewardRows([sample], ExportFormat.OpenRlhf).Single());

        var root = row.RootElement;
        Assert.Equal("user", root.GetProperty("input")[0].GetProperty("role").GetString());
        Assert.Equal(sample.Completion, root.GetProperty("output").GetString());
        Assert.Equal((-1.0, 1.0), (root.GetProperty("reward").GetDouble(), root.GetProperty("weight").GetDouble()));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpcDataset.RewardRows([sample], ExportFormat.Raw).ToList());
    }

    [Fact]
    public void Pairs_SamePromptOppositeRewards_ChosenRejectedRows()
    {
        var a = new TrainingSample(SpcPlayers.Critic, SpcPlayers.Critic, "L/1/0", "s", "u", "good", 1, "m", "h", 1);
        var b = a with { GameKey = "L/1/1", Completion = "bad", Reward = -1 };
        var other = a with { User = "v", Reward = -1 };

        var pair = Assert.Single(SpcDataset.Pairs([a, b, other]));

        Assert.Equal((a, b), (pair.Chosen, pair.Rejected));
        using var trl = JsonDocument.Parse(SpcDataset.PairRows([pair], ExportFormat.Trl).Single());
        Assert.Equal("good", trl.RootElement.GetProperty("chosen")[0].GetProperty("content").GetString());
        Assert.Equal("bad", trl.RootElement.GetProperty("rejected")[0].GetProperty("content").GetString());
        using var openRlhf = JsonDocument.Parse(SpcDataset.PairRows([pair], ExportFormat.OpenRlhf).Single());
        Assert.Equal(("good", "bad"), (openRlhf.RootElement.GetProperty("chosen").GetString(), openRlhf.RootElement.GetProperty("rejected").GetString()));
        Assert.Equal(2, openRlhf.RootElement.GetProperty("prompt").GetArrayLength());
    }

    [Fact]
    public void RawRows_Records_OneObjectPerGameWithProvenance()
    {
        var rows = SpcDataset.RawRows(Round()).ToArray();

        Assert.Equal(5, rows.Length);
        using var first = JsonDocument.Parse(rows[0]);
        var root = first.RootElement;
        Assert.Equal("L/1/0", root.GetProperty("key").GetString());
        Assert.Equal(("gen-0", "critic-0", 100L), (root.GetProperty("generator_model").GetString(), root.GetProperty("critic_model").GetString(), root.GetProperty("seed").GetInt64()));
        Assert.Equal("2026-01-01T00:00:00.0000000+00:00", root.GetProperty("started_at").GetString());
        Assert.Equal(3, root.GetProperty("turns").GetArrayLength());
        Assert.Equal("Incorrect", root.GetProperty("attack_verdict").GetString());
    }

    private static (int Positives, int Negatives) Signs(IEnumerable<TrainingSample> samples, string role) =>
        (samples.Count(s => s.Role == role && s.Reward > 0), samples.Count(s => s.Role == role && s.Reward < 0));
}
