using Agents.Core.Prompts;
using Agents.Inference.Rewards;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents.Inference.Tests.Rewards;

public sealed class RewardSpecTests
{
    [Theory]
    [InlineData("sim", RewardSpecKind.Sim, null, null, null)]
    [InlineData(" SIM ", RewardSpecKind.Sim, null, null, null)]
    [InlineData("http:http://127.0.0.1:8001", RewardSpecKind.Http, "http://127.0.0.1:8001/", null, null)]
    [InlineData("http:http://gpu-1:8001/#math-shepherd", RewardSpecKind.Http, "http://gpu-1:8001/", "math-shepherd", null)]
    [InlineData("judge:sim", RewardSpecKind.Judge, null, null, "sim")]
    [InlineData("judge:openai:http://127.0.0.1:8000/v1#Qwen", RewardSpecKind.Judge, null, null, "openai:http://127.0.0.1:8000/v1#Qwen")]
    public void Parse_ValidSpec_ReadsParts(string text, RewardSpecKind kind, string? endpoint, string? model, string? judge)
    {
        var spec = RewardSpec.Parse(text);

        Assert.Equal(kind, spec.Kind);
        Assert.Equal(endpoint, spec.Endpoint?.AbsoluteUri);
        Assert.Equal(model, spec.Model);
        Assert.Equal(judge, spec.JudgeModel);
    }

    [Theory]
    [InlineData("")]
    [InlineData("orm")]
    [InlineData("http:not a url")]
    [InlineData("http:ftp://host/x")]
    [InlineData("http:http://user:pw@host:1")]
    [InlineData("judge:")]
    [InlineData("judge:openai:http://x/v1")]
    public void Parse_InvalidSpec_ThrowsNamingAcceptedForms(string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => RewardSpec.Parse(text));

        Assert.Contains("Accepted forms", ex.Message, StringComparison.Ordinal);
        Assert.False(RewardSpec.TryParse(text, out _));
    }

    [Fact]
    public void AddRewardModels_Defaults_SimModelSharedPerSpec()
    {
        using var services = Build([]);
        var registry = services.GetRequiredService<IRewardModelRegistry>();

        Assert.IsType<SimulatedRewardModel>(services.GetRequiredService<IRewardModel>());
        Assert.Same(registry.Resolve("sim"), registry.Resolve(" sim"));
        Assert.Same(registry.Resolve("http:http://127.0.0.1:9#prm"), registry.Resolve("http:http://127.0.0.1:9#prm"));
        Assert.IsType<HttpRewardModel>(registry.Resolve("http:http://127.0.0.1:9#prm"));
        Assert.IsType<JudgeRewardModel>(registry.Resolve("judge:sim"));
    }

    [Fact]
    public void AddRewardModels_InvalidDefault_FailsValidation()
    {
        using var services = Build(new() { ["Agents:Rewards:Default"] = "bogus" });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RewardOptions>>().Value);
        Assert.Contains("Agents:Rewards:Default", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddRewardModels_Configuration_BindsNestedOptions()
    {
        using var services = Build(new()
        {
            ["Agents:Rewards:Http:PoolingPath"] = "v1/pooling",
            ["Agents:Rewards:Http:OrmModel"] = "internlm2-7b-reward",
            ["Agents:Rewards:SimulatedOrm:MissRate"] = "0.3",
        });

        var options = services.GetRequiredService<IOptions<RewardOptions>>().Value;

        Assert.Equal("v1/pooling", options.Http.PoolingPath);
        Assert.Equal("internlm2-7b-reward", options.Http.OrmModel);
        Assert.Equal(0.3, options.SimulatedOrm.MissRate);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Agents:Models:AllowClientSpecs"] = "true" }).Build();
        return new ServiceCollection().AddSingleton(PromptTemplates.Defaults).AddModelBackends(configuration).AddRewardModels(configuration).BuildServiceProvider(validateScopes: true);
    }
}
