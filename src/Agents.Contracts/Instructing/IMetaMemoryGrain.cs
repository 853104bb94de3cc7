namespace Agents.Contracts.Instructing;

/// <summary>
/// A named meta-memory of (question, meta-thought) pairs (docs/algorithms.md §2.1, §2.5), keyed by its name (a job id, or the
/// name given on the command line). Pairs are kept in insertion order in persistent state; retrieval ranks by the
/// similarity the run names (<c>minilm</c>: cosine of MiniLM sentence embeddings, the default; <c>lexical</c>: token
/// Jaccard), ties in insertion order. Appends are idempotent: a
/// pair already held is not added again, so a replayed run or a repeated seed upload leaves the memory unchanged.
/// Whether a run appends at all is the run's policy (snapshot or shared-growing), recorded with the run.
/// </summary>
[Alias("agents.meta-memory")]
public interface IMetaMemoryGrain : IGrainWithStringKey
{
    /// <summary>The <paramref name="k"/> most similar pairs by <paramref name="similarity"/> (minilm | lexical), most similar first.</summary>
    [Alias("retrieve.v2")]
    Task<ImmutableArray<MetaExampleRecord>> RetrieveAsync(string question, int k, string similarity);

    /// <summary>Appends a pair unless it is already held; true when added.</summary>
    [Alias("append")]
    Task<bool> AppendAsync(MetaExampleRecord example);

    /// <summary>Appends seed pairs in order (skipping pairs already held); returns how many were added.</summary>
    [Alias("seed")]
    Task<int> SeedAsync(ImmutableArray<MetaExampleRecord> examples);

    /// <summary>Every pair in insertion order.</summary>
    [Alias("examples")]
    Task<ImmutableArray<MetaExampleRecord>> GetExamplesAsync();
}
