using System.Collections.Immutable;
using System.Text.Json;
using Agents.Core.SelfPlay;

namespace Agents.Core.Tests.SelfPlay;

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

    [Fact]
    public void CriticPairs_Round_ChosenHasTheProvenVerdictRejectedTheOther()
    {
        var records = Round();

        var pairs = SpcDataset.CriticPairs(records);

        // Games 0–2: both critic turns; game 3: the paired turn only (no verdict on the attacked step); game 4 is invalid.
        Assert.Equal(7, pairs.Length);
        foreach (var pair in pairs)
        {
            var record = records.Single(r => r.Key == pair.Chosen.GameKey);
            var turn = record.Turns.Single(t => t.Player == pair.Chosen.Turn);
            var truth = turn.Player == SpcPlayers.Critic ? CriticVerdict.Incorrect : CriticVerdict.Correct;
            Assert.True(record.Valid);
            Assert.Equal((SpcPlayers.Critic, pair.Chosen.GameKey, pair.Chosen.Turn), (pair.Rejected.Role, pair.Rejected.GameKey, pair.Rejected.Turn));
            Assert.Equal((turn.System, turn.User), (pair.Chosen.System, pair.Chosen.User));
            Assert.Equal((turn.System, turn.User), (pair.Rejected.System, pair.Rejected.User));
            Assert.Equal(truth, CriticPrompt.Parse(pair.Chosen.Completion));
            Assert.NotEqual(truth, CriticPrompt.Parse(pair.Rejected.Completion));
            Assert.NotEqual(CriticVerdict.Invalid, CriticPrompt.Parse(pair.Rejected.Completion));
            Assert.Equal((1, -1), (pair.Chosen.Reward, pair.Rejected.Reward));

            // The critic's own response is one side; the other is it with the verdict flipped, and is marked as such.
            var said = CriticPrompt.Parse(turn.Response);
            var (own, made) = said == truth ? (pair.Chosen, pair.Rejected) : (pair.Rejected, pair.Chosen);
            Assert.Equal(said == truth ? PairSynthesis.Rejected : PairSynthesis.Chosen, pair.Synthesized);
            Assert.Equal((turn.Response, record.CriticModel), (own.Completion, own.Model));
            Assert.Equal((SpcDataset.WithVerdict(turn.Response, CriticPrompt.Parse(made.Completion)), SpcDataset.SynthesizedModel), (made.Completion, made.Model));
        }

        Assert.Equal(5, pairs.Count(p => p.Synthesized == PairSynthesis.Rejected));
        Assert.Equal(2, pairs.Count(p => p.Synthesized == PairSynthesis.Chosen));
    }

    [Fact]
    public void GeneratorPairs_SamePromptSuccessAndFailure_SuccessChosen()
    {
        // Games 2 (attack fooled the critic, +1) and 0, 4 (caught, failed validation: −1) on one generator prompt; 1 on another.
        var records = Round().Select(r => r.Game == 1 ? r : r with
        {
            Turns = [.. r.Turns.Select(t => t.Player == SpcPlayers.Generator ? t with { User = "attack p" } : t)],
        }).ToArray();

        var pairs = SpcDataset.PreferencePairs(records).Where(p => p.Chosen.Role == SpcPlayers.Generator).ToArray();

        var pair = Assert.Single(pairs);
        Assert.Equal(("L/1/2", "L/1/0"), (pair.Chosen.GameKey, pair.Rejected.GameKey));
        Assert.Equal(("attack p", "attack p"), (pair.Chosen.User, pair.Rejected.User));
        Assert.Equal((1, -1, PairSynthesis.None), (pair.Chosen.Reward, pair.Rejected.Reward, pair.Synthesized));
        Assert.Equal(records[2].RewardOf(SpcPlayers.Generator), pair.Chosen.Reward);
    }

    [Fact]
    public void Publish_Round_BalancedSamplesAndAllPairs()
    {
        var options = SpcOptions.Default with { TargetPositiveShare = 0.25 };

        var published = SpcDataset.Publish(Round(), options, 5);

        Assert.Equal(SpcDataset.Balance(SpcDataset.Samples(Round()), options, 5).ToArray(), published.Samples.ToArray());
        Assert.Equal(SpcDataset.PreferencePairs(Round()).Length, published.Pairs.Length);
        using var row = JsonDocument.Parse(SpcDataset.PairRows([published.Pairs[0]], ExportFormat.Trl).Single());
        Assert.Equal(PairSynthesis.Rejected, row.RootElement.GetProperty("synthesized").GetString());
    }
}
