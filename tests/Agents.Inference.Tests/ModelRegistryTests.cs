using Agents.Inference.Backends;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents.Inference.Tests;

public sealed class ModelRegistryTests
{
    private const string Remote = "openai:http://127.0.0.1:9/v1#remote";
    private const string Other = "openai:http://127.0.0.1:9/v1#other";

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        // These tests are about the registry's sharing and options, not the allow-list (ModelAllowListTests): the test is the operator.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Agents:Models:AllowClientSpecs"] = "true" }).Build();
        return new ServiceCollection().AddModelBackends(configuration).BuildServiceProvider(validateScopes: true);
    }

    [Fact]
    public void KeyedClients_RoleOverrides_ResolveConfiguredSpecs()
    {
        using var services = Build(new()
        {
            ["Agents:Models:Default"] = Remote,
            ["Agents:Models:Critic"] = Other,
            ["Agents:Models:SneakyGenerator"] = Other,
        });

        var solver = services.GetRequiredKeyedService<IChatClient>(ModelRoles.Solver);
        var reviewer = services.GetRequiredKeyedService<IChatClient>(ModelRoles.Reviewer);
        var critic = services.GetRequiredKeyedService<IChatClient>(ModelRoles.Critic);
        var sneaky = services.GetRequiredKeyedService<IChatClient>(ModelRoles.SneakyGenerator);

        Assert.Same(solver, reviewer);
        Assert.Same(critic, sneaky);
        Assert.NotSame(solver, critic);
        Assert.Equal("remote", solver.GetService<OpenAICompatibleChatClient>()!.Model);
        Assert.Equal("other", critic.GetService<OpenAICompatibleChatClient>()!.Model);
        Assert.NotNull(critic.GetService<IMultiChoiceChatClient>());
        Assert.Same(solver, services.GetRequiredService<IChatClient>());
    }

    [Fact]
    public void Resolve_ConcurrentSameSpec_ReturnsOneInstance()
    {
        using var services = Build(new());
        var registry = services.GetRequiredService<IModelRegistry>();

        var clients = Enumerable.Range(0, 32).AsParallel().Select(_ => registry.Resolve(Remote)).ToList();

        Assert.All(clients, c => Assert.Same(clients[0], c));
    }

    [Fact]
    public void Resolve_DisposedByCaller_BackendStaysUsable()
    {
        using var services = Build(new());
        var registry = services.GetRequiredService<IModelRegistry>();

        registry.Resolve(Remote).Dispose();

        Assert.NotNull(registry.Resolve(Remote).GetService<OpenAICompatibleChatClient>());
    }

    [Theory]
    [InlineData("gguf:/models/q.gguf", "gguf")]
    [InlineData("replay:runs/r1.jsonl", "replay")]
    public void Resolve_FileBackendsMissingFile_ThrowNamingBackendAndFile(string spec, string backend)
    {
        using var services = Build(new());

        var ex = Assert.Throws<FileNotFoundException>(() => services.GetRequiredService<IModelRegistry>().Resolve(spec));

        Assert.StartsWith(backend + ":", ex.Message, StringComparison.Ordinal);
        Assert.Contains(spec[(backend.Length + 1)..], ex.FileName, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_InvalidSpec_FailValidation()
    {
        using var services = Build(new() { ["Agents:Models:Refiner"] = "gpt-4" });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ModelOptions>>().Value);

        Assert.Contains("openai:URL#MODEL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_RetrySection_Binds()
    {
        using var services = Build(new() { ["Agents:Models:Retry:MaxRetryAttempts"] = "2", ["Agents:Models:Retry:AttemptTimeout"] = "00:00:30" });

        var retry = services.GetRequiredService<IOptions<Resilience.ModelRetryOptions>>().Value;

        Assert.Equal(2, retry.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(30), retry.AttemptTimeout);
    }

    [Fact]
    public void SpecFor_NoOverride_FallsBackToDefault()
    {
        var options = new ModelOptions { Default = Remote, Solver = " " };

        Assert.All(ModelRoles.All, role => Assert.Equal(Remote, options.SpecFor(role)));
        Assert.Equal("sim", new ModelOptions().Default);
    }
}
