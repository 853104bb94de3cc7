using Agents.Core.Instructing;
using Agents.Core.Prompts;
using Agents.Core.Simulation;

namespace Agents.Core.Tests.Instructing;

/// <summary>The asynchronous driver is the synchronous one: same calls, same result, and prompts rebuildable from their inputs.</summary>
public sealed class IortProcessAsyncTests
{
    private static readonly SimulatedModel Model = new();

    private static string Answer(IortCall call) => Model.Complete([.. call.Messages], call.Temperature, Seed(call));

    private static long Seed(IortCall call) => ((long)call.Role * 1000) + (call.Iteration * 10) + call.Index;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RunAsync_WithYieldingCalls_MatchesTheSynchronousRun(bool gate)
    {
        var options = new IortOptions { ConsistencyGate = gate };
        foreach (var problem in SyntheticProblems.Generate(12, seed: 5, minSteps: 4, maxSteps: 7))
        {
            var syncCalls = new List<IortCall>();
            var sync = new IortProcess(PromptTemplates.Defaults, IortRoles.FromModel(c =>
            {
                syncCalls.Add(c);
                return Answer(c);
            }), options).Run(problem.Question, new MetaMemory(MetaMemoryPolicy.Snapshot));

            var asyncCalls = new List<IortCall>();
            var iterations = new List<int>();
            var result = await IortProcess.RunAsync(PromptTemplates.Defaults, options, problem.Question, new MetaMemory(MetaMemoryPolicy.Snapshot), async (c, ct) =>
            {
                await Task.Yield();
                asyncCalls.Add(c);
                return Answer(c);
            }, onIteration: i => iterations.Add(i.Iteration));

            Assert.Equal(sync.AnswersByIteration, result.AnswersByIteration);
            Assert.Equal(sync.Calls, result.Calls);
            Assert.Equal(sync.Iterations.Select(i => (i.Instruction, i.Reason)), result.Iterations.Select(i => (i.Instruction, i.Reason)));
            Assert.Equal(syncCalls.Select(c => (c.Role, c.Iteration, c.Index)), asyncCalls.Select(c => (c.Role, c.Iteration, c.Index)));
            Assert.Equal(Enumerable.Range(1, options.MaxIterations), iterations);
            Assert.All(asyncCalls, c =>
            {
                var inputs = Assert.IsType<IortPromptInputs>(c.Inputs);
                Assert.Equal(c.Messages.Select(m => (m.Role, m.Text)), inputs.Build(PromptTemplates.Defaults).Select(m => (m.Role, m.Text)));
            });
            if (!gate)
            {
                Assert.Equal(14, result.Calls.Total);
            }
        }
    }

    [Fact]
    public async Task RunAsync_SharedGrowingMemory_RecordsTheMetaThoughtThroughTheAccess()
    {
        var memory = new MetaMemory(MetaMemoryPolicy.SharedGrowing);
        var problem = SyntheticProblems.Generate(1, seed: 2).Single();

        var result = await IortProcess.RunAsync(PromptTemplates.Defaults, IortOptions.Default, problem.Question, memory, (c, _) => Task.FromResult(Answer(c)));

        Assert.Equal("shared-growing", result.Settings["meta_memory_policy"]);
        Assert.Equal(new MetaExample(problem.Question, result.MetaThought), Assert.Single(memory.Examples));
    }
}
