using Agents.Core.Magicore;

namespace Agents.Core.Tests.Magicore;

public sealed class MagicoreOptionsTests
{
    [Fact]
    public void Defaults_PaperPreset_ParametersOfTheCode()
    {
        var options = new MagicoreOptions();

        Assert.Equal(MagicoreOptions.Paper, options);
        Assert.Equal((40, 3, 0.8, 0.95, 1000), (options.K, options.Iterations, options.Temperature, options.TopP, options.MaxTokens));
    }

    [Fact]
    public void Switches_PaperAndCode_RecordEveryDifference()
    {
        var paper = MagicoreOptions.For(MagicoreMode.Paper).Switches();
        var code = MagicoreOptions.For(MagicoreMode.Code).Switches();

        Assert.Equal("paper", paper["mode"]);
        Assert.Equal("true", paper["recompute_stats_each_iteration"]);
        Assert.Equal("carry_latest_pool", paper["pool_after_easy"]);
        Assert.Equal("false", paper["refiner_multiple_choice_line"]);
        Assert.Equal("robust", paper["step_segmentation"]);
        Assert.Equal("code", code["mode"]);
        Assert.Equal("false", code["recompute_stats_each_iteration"]);
        Assert.Equal("revert_to_iter0", code["pool_after_easy"]);
        Assert.Equal("true", code["refiner_multiple_choice_line"]);
        Assert.Equal("code", code["step_segmentation"]);
        Assert.Equal("true", code["duplicate_prm_scoring"]);
    }

    [Fact]
    public void Generations_RefinedRounds_KPlusTwoKR()
    {
        Assert.Equal(40, MagicoreAccounting.Generations(40, 0));
        Assert.Equal(280, MagicoreAccounting.Generations(40, 3));
    }

    [Fact]
    public void Passes_DuplicateScoring_ThreeKPrmPerRound()
    {
        Assert.Equal(new RewardModelPasses(80, 38 + 120), MagicoreAccounting.Passes(40, 1, 38, duplicatePrmScoring: true));
        Assert.Equal(new RewardModelPasses(80, 38 + 80), MagicoreAccounting.Passes(40, 1, 38, duplicatePrmScoring: false));
    }
}
