using Agents.Contracts.Solving;
using Agents.Core.Prompts;
using Agents.Core.Simulation;
using Agents.Core.Solving;
using Agents.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Agents.Grains.Tests;

/// <summary>
/// The role prompts belong to the silo that loaded them (<c>Agents:Prompts:Directory</c>): two silos in one process, one
/// with an edited solver prompt and one with the defaults, each render their own.
/// </summary>
public sealed class PromptTemplatesHostTests : IDisposable
{
    private const string EditedLead = "Edited solver prompt.";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agents-prompts-host-");

    [Fact]
    public async Task TwoSilosInOneProcess_EditedAndDefaultTemplates_EachSolverRendersItsOwn()
    {
        // The edited prompt keeps the default headings, so the simulated model still recognises and solves it.
        File.WriteAllText(Path.Combine(_dir.FullName, "solver.user.txt"), $"{EditedLead}\n{PromptTemplates.Defaults.Text("solver.user")}\n");
        // The edited silo starts first: a process-wide setting would leak its templates into the second silo.
        await using var edited = await StartAsync(new() { ["Agents:Prompts:Directory"] = _dir.FullName });
        await using var defaults = await StartAsync([]);
        var problem = SyntheticProblems.Generate(1, seed: 17).Single();
        var request = new SolveRequest("prompts-host", problem.Id, problem.Question, 2, 0.8, 0.95, 1000, "", 0, 7);

        var fromEdited = await edited.Client.GetGrain<ISolverGrain>(0).SolveAsync(request);
        var fromDefaults = await defaults.Client.GetGrain<ISolverGrain>(0).SolveAsync(request);

        var defaultPrompt = SolverPrompt.Build(PromptTemplates.Defaults, problem.Question)[0].Text;
        Assert.Equal(defaultPrompt, fromDefaults.Prompt);
        Assert.Equal($"{EditedLead}\n{defaultPrompt}", fromEdited.Prompt);
        Assert.Equal(
            PromptTemplates.FromDirectory(_dir.FullName).Hash,
            edited.Silos[0].ServiceProvider.GetRequiredService<PromptTemplates>().Hash);
        Assert.Same(PromptTemplates.Defaults, defaults.Silos[0].ServiceProvider.GetRequiredService<PromptTemplates>());
        // Same model, same seeds: the simulated model reads the question from either prompt and answers alike.
        Assert.Equal(fromDefaults.Samples.Select(s => s.Solution.Text), fromEdited.Samples.Select(s => s.Solution.Text));
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static Task<InProcessTestCluster> StartAsync(Dictionary<string, string?> settings) =>
        AgentsTestCluster.StartAsync(1, _ => ClusterFixture.With(settings));
}
