using System.Collections.Immutable;
using Agents.Core.Answers;
using Agents.Core.Instructing;
using Agents.Core.Magicore;
using Agents.Core.Strategies;

namespace Agents.Core.Tests.Strategies;

public sealed class StrategyCatalogTests
{
    [Fact]
    public void All_EveryRunnableNameOnce_WithPhases()
    {
        Assert.Equal(StrategyNames.Runnable, StrategyCatalog.All.Select(s => s.Name));
        var magicore = StrategyDefaults.Create(StrategyNames.Magicore, rounds: 3);
        Assert.Equal(4, StrategyCatalog.Phases(magicore));
        Assert.Equal(1, StrategyCatalog.Phases(StrategyDefaults.Create(StrategyNames.SelfConsistency)));
        Assert.Throws<ArgumentException>(() => StrategyCatalog.Get("majority"));
    }

    [Fact]
    public void MagicoreCodec_ModeAlwaysWritten_MuSigmaOnlyTogether()
    {
        var codec = StrategyCatalog.Get(StrategyNames.Magicore).Options;

        Assert.Equal(new Dictionary<string, string> { ["mode"] = "paper" }, codec.Canonicalize([]));
        Assert.Equal(
            new Dictionary<string, string> { ["mode"] = "code", ["mu"] = "0.5", ["sigma"] = "2" },
            codec.Canonicalize(["Mode=code", "mu=0.5", "sigma=2"]));
        Assert.Contains("go together", Assert.Throws<ArgumentException>(() => codec.Canonicalize(["mu=0.5"])).Message, StringComparison.Ordinal);
        Assert.Contains("'fast'", Assert.Throws<ArgumentException>(() => codec.Canonicalize(["mode=fast"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MagicoreDraw_SplitAddsThePhaseOfTheStatisticsChain_OnlyInCodeMode()
    {
        var codec = StrategyCatalog.Get(StrategyNames.Magicore).Options;
        var split = codec.Canonicalize(["mode=code", "draw=split"]);

        Assert.Equal(new Dictionary<string, string> { ["mode"] = "code", ["draw"] = "split" }, split);
        Assert.Equal(5, StrategyCatalog.Phases(StrategyDefaults.Create(StrategyNames.Magicore, rounds: 3, options: split)));
        // Together is the default and is not written, so specs recorded before the option read the same.
        Assert.Equal(new Dictionary<string, string> { ["mode"] = "code" }, codec.Canonicalize(["mode=code", "draw=together"]));
        Assert.Contains("draw=split needs mode=code", Assert.Throws<ArgumentException>(() => codec.Canonicalize(["draw=split"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MagicoreRead_RecordedSpecWithOtherKeys_ReadsItsOwn()
    {
        var read = MagicoreRunOptions.Codec.Read(new Dictionary<string, string> { ["mode"] = "code", ["mu"] = "1e-1", ["sigma"] = "2", ["other"] = "x" });

        Assert.Equal(new MagicoreRunOptions { Mode = MagicoreMode.Code, Mu = 0.1, Sigma = 2 }, read);
    }

    [Fact]
    public void IortCodec_SwitchesRoundTrip_DefaultsLeftOutButPolicyAndSimilarityWritten()
    {
        var codec = IortRunOptions.Codec;
        var written = codec.Write(codec.Parse(["consistency_gate=off", "meta_examples=3", "gate_equivalence=hendrycks", "instructor_model=sim"]));

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["consistency_gate"] = "off", ["gate_equivalence"] = "hendrycks", ["instructor_model"] = "sim", ["meta_examples"] = "3",
                ["meta_memory_policy"] = "snapshot", ["meta_memory_similarity"] = "minilm",
            },
            written);
        var options = codec.Read(written).For(rounds: 0, temperature: 0.3);
        Assert.Equal(IortOptions.Default with { ConsistencyGate = false, MetaExamples = 3, GateEquivalence = EquivalenceMode.Hendrycks }, options);
        Assert.Throws<ArgumentException>(() => codec.Parse(["meta_examples=100"]));
        Assert.Throws<ArgumentException>(() => codec.Parse(["meta_memory_similarity=bm25"]));
    }

    [Fact]
    public void PlainStrategy_AnyOption_RefusedWithTheStrategyName()
    {
        var error = Assert.Throws<ArgumentException>(() => StrategyCatalog.Get(StrategyNames.SelfConsistency).Options.Canonicalize(["mode=code"]));

        Assert.Equal("strategy 'sc' takes no options (got 'mode')", error.Message);
    }

    [Fact]
    public void Describe_ListsEveryStrategyAndOptionWithDefault()
    {
        var text = StrategyCatalog.Describe();

        Assert.All(StrategyNames.Runnable, name => Assert.Contains($"{name}: ", text, StringComparison.Ordinal));
        Assert.Contains("  mode (default: paper): ", text, StringComparison.Ordinal);
        Assert.Contains("  meta_memory_policy (default: snapshot): ", text, StringComparison.Ordinal);
        Assert.Contains("  mu (default: unset): ", text, StringComparison.Ordinal);
    }
}
