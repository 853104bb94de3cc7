using System.Collections.Immutable;
using Agents.Contracts.Inference;

namespace Agents.Grains.Tests.Inference;

/// <summary>A fact skipped, with the reason, when the shared stories260K model is absent.</summary>
public sealed class StoryModelFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public StoryModelFactAttribute()
    {
        if (GpuClusterFixture.StoryModelPath is null)
        {
            Skip = "../shared/models/stories260K.gguf is not present on this machine";
        }
    }
}

[Collection(GpuClusterCollection.Name)]
public sealed class GgufReplicaTests(GpuClusterFixture fixture)
{
    [StoryModelFact]
    public async Task Router_GgufModel_BatchedChoicesFromTheGpuSiloDeterministic()
    {
        var router = fixture.Router(fixture.CpuSilo);
        var request = new InferenceRequest("story", [new("user", "Once upon a time")], N: 3, Seed: 11, Temperature: 0.8f, MaxTokens: 24);

        var first = await router.SendAsync(request);
        var second = await router.SendAsync(request);

        Assert.Equal(fixture.Cluster.Silos.Single(s => s.Name == "Silo_1").SiloAddress.ToString(), first.Silo);
        Assert.Equal(3, first.Choices.Length);
        Assert.All(first.Choices, c => Assert.False(string.IsNullOrWhiteSpace(c)));
        Assert.Equal(string.Join("|", first.Choices), string.Join("|", second.Choices));
        Assert.InRange(first.CompletionTokens, 3, 3 * 24);
        Assert.True(first.PromptTokens > 0);
    }
}
