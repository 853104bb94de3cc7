using Agents.Core.Instructing;
using Agents.Inference.Embeddings;
using Microsoft.Extensions.AI;

namespace Agents.Inference.Tests.Embeddings;

/// <summary>The real MiniLM model from the NuGet package: shape, determinism, and retrieval by meaning.</summary>
public sealed class EmbeddingSimilarityTests
{
    private static readonly MiniLmEmbeddingGenerator Generator = new();

    [Fact]
    public async Task Generate_ThreeSentences_UnitLength384DimensionsAndDeterministic()
    {
        string[] texts = ["What is 3 plus 4?", "Compute the sum of three and four.", "A train leaves the station at noon."];

        var first = await Generator.GenerateAsync(texts);
        var second = await Generator.GenerateAsync(texts);

        Assert.Equal(3, first.Count);
        Assert.All(first, e => Assert.Equal(384, e.Vector.Length));
        // Unit length, up to the rounding of 384 single-precision components.
        Assert.All(first, e => Assert.Equal(1.0, Math.Sqrt(e.Vector.ToArray().Sum(x => (double)x * x)), 1e-4));
        Assert.Equal(first[1].Vector.ToArray(), second[1].Vector.ToArray());
        Assert.Equal(MiniLmEmbeddingGenerator.ModelId, Generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
    }

    [Fact]
    public void Score_ParaphraseWithNoSharedContentWord_BeatsLexicalNeighbour()
    {
        var similarity = new EmbeddingSimilarity(Generator);
        const string query = "How much fruit does Sam own after purchasing a few extra?";
        string[] candidates = ["Tom has 3 apples and buys 2 more apples.", "How much does a ticket for the train own after noon?", "Ben packs 12 eggs into boxes of 6."];

        var scores = similarity.Score(query, candidates);
        var lexical = TokenJaccardSimilarity.Instance.Score(query, candidates);

        Assert.Equal(0, scores.Select((s, i) => (s, i)).MaxBy(x => x.s).i);
        Assert.Equal(1, lexical.Select((s, i) => (s, i)).MaxBy(x => x.s).i);
    }

    [Fact]
    public void Score_RepeatedCandidates_EmbedsEachDistinctTextOnce()
    {
        var similarity = new EmbeddingSimilarity(Generator);
        string[] candidates = ["Ann has 10 pencils.", "Ben packs 12 eggs."];

        similarity.Score("pencils", candidates);
        similarity.Score("eggs", candidates);
        similarity.Score("pencils", candidates);

        Assert.Equal(4, similarity.Embedded);
    }

    [Fact]
    public void Get_UnknownName_NamesTheChoices()
    {
        var registry = new SimilarityRegistry(Generator);

        Assert.Same(TokenJaccardSimilarity.Instance, registry.Get("lexical"));
        Assert.IsType<EmbeddingSimilarity>(registry.Get(null));
        var error = Assert.Throws<ArgumentException>(() => registry.Get("bm25"));
        Assert.Contains("minilm, lexical", error.Message, StringComparison.Ordinal);
    }
}
