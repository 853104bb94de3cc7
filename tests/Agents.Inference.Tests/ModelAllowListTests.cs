using System.Net;
using System.Net.Sockets;
using Agents.Inference.Rewards;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.Inference.Tests;

public sealed class ModelAllowListTests
{
    private const string Qwen = "openai:http://10.0.0.5:8000/v1#Qwen2.5-7B";

    private static readonly ModelOptions Listed = new()
    {
        Default = "sim",
        Critic = "openai:http://10.0.0.6:8000/v1#critic",
        Named = new(StringComparer.OrdinalIgnoreCase) { ["qwen"] = Qwen, ["recorded"] = "replay:/srv/runs/a.jsonl" },
    };

    [Fact]
    public void ResolveModel_ListedName_StandsForItsSpec()
    {
        var list = new ModelAllowList(Listed);

        Assert.Equal(Qwen, list.ResolveModel("qwen").Text);
        Assert.Equal(Qwen, list.ResolveModel(" QWEN ").Text);
        Assert.Equal("replay:/srv/runs/a.jsonl", list.ResolveModel("recorded").Text);
        Assert.Equal(["sim", "qwen", "recorded"], list.ModelNames);
    }

    [Fact]
    public void ResolveModel_SpecTheSiloConfigures_Allowed()
    {
        var list = new ModelAllowList(Listed, hostedSpecs: ["openai:http://10.0.0.7:8000/v1#hosted"]);

        Assert.Equal(Qwen, list.ResolveModel(Qwen).Text);
        Assert.Equal("openai:http://10.0.0.6:8000/v1#critic", list.ResolveModel("openai:http://10.0.0.6:8000/v1#critic").Text);
        Assert.Equal("openai:http://10.0.0.7:8000/v1#hosted", list.ResolveModel("openai:http://10.0.0.7:8000/v1#hosted").Text);
        Assert.Equal(ModelSpecKind.Sim, list.ResolveModel("sim").Kind);
    }

    [Theory]
    [InlineData("openai:http://127.0.0.1:4444/v1#x")]
    [InlineData("openai:http://10.0.0.5:8000/v1#other-model")]
    [InlineData("replay:/dev/zero")]
    [InlineData("gguf:/etc/passwd")]
    [InlineData("replay:/srv/runs/b.jsonl")]
    public void ResolveModel_SpecTheSiloDoesNotList_RefusedNamingTheListedModels(string spec)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ModelAllowList(Listed).ResolveModel(spec));

        Assert.StartsWith("model not allowed: '" + spec + "' is not one of the models this cluster lists (sim, qwen, recorded)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveModel_SpecWithACredential_RefusedWithoutEchoingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ModelAllowList(Listed).ResolveModel("openai:http://10.0.0.5:8000/v1?api_key=topsecret#m"));

        Assert.StartsWith("model not allowed: the model spec carries a credential", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("topsecret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveModel_AllowClientSpecs_AcceptsAnyValidSpec()
    {
        var list = new ModelAllowList(new ModelOptions { AllowClientSpecs = true });

        Assert.Equal("replay:/tmp/r.jsonl", list.ResolveModel("replay:/tmp/r.jsonl").Text);
        Assert.Throws<ArgumentException>(() => list.ResolveModel("bogus:x"));
    }

    [Fact]
    public void ResolveReward_ListedConfiguredJudgeOnListedModel_AllowedElseRefused()
    {
        var rewards = new RewardOptions { Default = "sim", Named = new(StringComparer.OrdinalIgnoreCase) { ["prm"] = "http:http://10.0.0.8:8001#math-shepherd" } };
        var list = new ModelAllowList(Listed, rewards);

        Assert.Equal("http:http://10.0.0.8:8001#math-shepherd", list.ResolveReward("prm").Text);
        Assert.Equal("http:http://10.0.0.8:8001#math-shepherd", list.ResolveReward("http:http://10.0.0.8:8001#math-shepherd").Text);
        Assert.Equal(Qwen, list.ResolveReward("judge:qwen").JudgeModel);
        Assert.Equal(Qwen, list.ResolveReward("judge:" + Qwen).JudgeModel);
        Assert.Equal(RewardSpecKind.Sim, list.ResolveReward("sim").Kind);
        Assert.StartsWith("model not allowed: reward 'http:http://127.0.0.1:4444' is not one of the reward models this cluster lists (sim, prm)",
            Assert.Throws<ArgumentException>(() => list.ResolveReward("http:http://127.0.0.1:4444")).Message, StringComparison.Ordinal);
        Assert.StartsWith("model not allowed: 'openai:http://127.0.0.1:4444/v1#x'",
            Assert.Throws<ArgumentException>(() => list.ResolveReward("judge:openai:http://127.0.0.1:4444/v1#x")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registry_UnlistedSpecWithAnApiKey_RefusedBeforeAnyConnection()
    {
        // A real listener on a free port: the refused spec names it; nothing may connect to it.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agents:Models:Named:qwen"] = Qwen,
        }).Build();
        await using var services = new ServiceCollection().AddModelBackends(configuration).AddRewardModels(configuration).BuildServiceProvider();
        var spec = $"openai:http://127.0.0.1:{port}/v1#x";

        var model = Assert.Throws<ArgumentException>(() => services.GetRequiredService<IModelRegistry>().Resolve(spec));
        var judge = Assert.Throws<ArgumentException>(() => services.GetRequiredService<IRewardModelRegistry>().Resolve("judge:" + spec));
        var replay = Assert.Throws<ArgumentException>(() => services.GetRequiredService<IModelRegistry>().Resolve("replay:/dev/zero"));

        Assert.StartsWith("model not allowed", model.Message, StringComparison.Ordinal);
        Assert.StartsWith("model not allowed", judge.Message, StringComparison.Ordinal);
        Assert.StartsWith("model not allowed", replay.Message, StringComparison.Ordinal);
        Assert.False(listener.Pending(), "a refused spec opened a connection");
        Assert.NotNull(services.GetRequiredService<IModelRegistry>().Resolve("qwen").GetService<ChatClientMetadata>());
    }
}
