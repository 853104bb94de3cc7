using System.Collections.Immutable;
using Agents.Contracts.Jobs;
using Agents.Contracts.SelfPlay;
using Agents.Core.Jobs;
using Agents.Core.SelfPlay;
using Agents.Core.Strategies;

namespace Agents.Core.Tests.Jobs;

public sealed class JobSpecRulesTests
{
    private static readonly JobSpec Good = new("job", StrategyDefaults.Create(StrategyNames.SelfConsistency, k: 8, seed: 1), Concurrency: 16, MaxAttempts: 3);

    [Fact]
    public void Validate_DefaultsOfEveryStrategy_Accepted()
    {
        foreach (var name in StrategyNames.Runnable)
        {
            Assert.Null(JobSpecRules.Validate(Good with { Strategy = StrategyDefaults.Create(name) }));
        }
    }

    [Theory]
    [InlineData(0, "concurrency: must be between 1 and 10000, got 0")]
    [InlineData(-3, "concurrency: must be between 1 and 10000, got -3")]
    [InlineData(10_001, "concurrency: must be between 1 and 10000, got 10001")]
    public void Validate_ConcurrencyOutOfRange_NamesFieldAndLimit(int concurrency, string expected) =>
        Assert.Equal(expected, JobSpecRules.Validate(Good with { Concurrency = concurrency }));

    [Fact]
    public void Validate_KOfAMillion_Refused() =>
        Assert.Equal("k: must be between 1 and 1024, got 1000000", JobSpecRules.Validate(Good with { Strategy = Good.Strategy with { K = 1_000_000 } }));

    [Fact]
    public void Validate_EachFieldOutOfRange_NamesIt()
    {
        Assert.Equal("max attempts: must be between 1 and 100, got 0", JobSpecRules.Validate(Good with { MaxAttempts = 0 }));
        Assert.Equal("rounds: must be between 0 and 100, got 101", JobSpecRules.Validate(Good with { Strategy = Good.Strategy with { Rounds = 101 } }));
        Assert.Equal("max tokens: must be between 1 and 1000000, got 0", JobSpecRules.Validate(Good with { Strategy = Good.Strategy with { MaxTokens = 0 } }));
        Assert.Equal("temperature: must be between 0 and 5, got NaN", JobSpecRules.Validate(Good with { Strategy = Good.Strategy with { Temperature = double.NaN } }));
        Assert.Equal("top_p: must be in (0, 1], got 0", JobSpecRules.Validate(Good with { Strategy = Good.Strategy with { TopP = 0 } }));
        Assert.Equal("job id: must not be empty", JobSpecRules.Validate(Good with { JobId = " " }));
        Assert.Equal("job id: at most 256 characters, got 300", JobSpecRules.Validate(Good with { JobId = new string('j', 300) }));
        Assert.StartsWith("unknown strategy 'nope'", JobSpecRules.Validate(Good with { Strategy = Good.Strategy with { Name = "nope" } }), StringComparison.Ordinal);
        Assert.StartsWith("vote key: Unknown vote key 'x'", JobSpecRules.Validate(Good with { Strategy = Good.Strategy with { VoteKey = "x" } }), StringComparison.Ordinal);
        Assert.StartsWith("equivalence: Unknown equivalence mode 'x'", JobSpecRules.Validate(Good with { Strategy = Good.Strategy with { Equivalence = "x" } }), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OptionsBeyondTheCaps_Refused()
    {
        var many = Enumerable.Range(0, 65).ToImmutableDictionary(i => $"k{i}", _ => "v");
        var long_ = ImmutableDictionary<string, string>.Empty.Add("mode", new string('v', 4097));

        Assert.Equal("options: at most 64, got 65", JobSpecRules.Validate(Good with { Strategy = Good.Strategy with { Options = many } }));
        Assert.Equal("option mode: at most 4096 characters, got 4097", JobSpecRules.Validate(Good with { Strategy = Good.Strategy with { Options = long_ } }));
    }

    [Fact]
    public void Validate_OptionsTheStrategyRefuses_RefusedAsTheCliWould_OtherStrategiesKeysIgnored()
    {
        var magicore = StrategyDefaults.Create(StrategyNames.Magicore);
        JobSpec With(params (string Key, string Value)[] options) =>
            Good with { Strategy = magicore with { Options = options.ToImmutableDictionary(o => o.Key, o => o.Value) } };

        Assert.Equal("draw=split needs mode=code (in paper mode every iteration's statistics wait at a barrier of their own)", JobSpecRules.Validate(With(("mode", "paper"), ("draw", "split"))));
        Assert.StartsWith("mu and sigma go together", JobSpecRules.Validate(With(("mu", "0.5"))), StringComparison.Ordinal);
        Assert.Null(JobSpecRules.Validate(With(("mode", "code"), ("draw", "split"))));
        // A spec may carry keys another strategy reads; as when a spec is read, they are not this strategy's to refuse.
        Assert.Null(JobSpecRules.Validate(With(("mode", "code"), ("instructor_model", "sim"))));
    }

    [Fact]
    public void Validate_ModelSpecWithACredential_RefusedWithoutEchoingIt()
    {
        var error = JobSpecRules.Validate(Good with { Strategy = Good.Strategy with { Model = "openai:http://me:s3cret-key@10.0.0.5/v1#m" } });

        Assert.NotNull(error);
        Assert.StartsWith("model: (value withheld", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_BadSpec_ThrowsArgumentExceptionWithTheReason()
    {
        var ex = Assert.Throws<ArgumentException>(() => JobSpecRules.Check(Good with { Concurrency = 0 }));

        Assert.Equal("job spec refused: concurrency: must be between 1 and 10000, got 0", ex.Message);
    }

    [Fact]
    public void LeagueValidate_OutOfRangeOrOversized_NamesField()
    {
        var league = new LeagueSpec("lg", 8, 2, 4, "", "", "", 1);

        Assert.Null(LeagueSpecs.Validate(league));
        Assert.Equal("concurrency: must be between 1 and 10000, got 0", LeagueSpecs.Validate(league with { Concurrency = 0 }));
        Assert.Equal("games per round: must be between 1 and 1000000, got 2000000", LeagueSpecs.Validate(league with { GamesPerRound = 2_000_000 }));
        Assert.Equal("options: at most 64, got 65", LeagueSpecs.Validate(league with { Options = [.. Enumerable.Repeat("max_game_attempts=2", 65)] }));
        Assert.StartsWith("options: ", LeagueSpecs.Validate(league with { Options = ["no-such-key=1"] }), StringComparison.Ordinal);
        Assert.StartsWith("critic model: (value withheld", LeagueSpecs.Validate(league with { CriticModel = "openai:http://u:p@h/v1#m" }), StringComparison.Ordinal);
    }
}
