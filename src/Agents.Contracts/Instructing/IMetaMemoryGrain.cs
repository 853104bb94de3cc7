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

    /// <summary>
    /// Shared-growing in input order: problem <paramref name="index"/> of run <paramref name="scope"/> (a job) says which pair
    /// it adds, or that it adds none (<paramref name="example"/> null). The first word for an index stands (a replay or retry
    /// changes nothing).
    /// </summary>
    [Alias("submit")]
    Task SubmitAsync(string scope, int index, MetaExampleRecord? example);

    /// <summary>
    /// Waits until every problem of <paramref name="scope"/> before input position <paramref name="before"/> has submitted,
    /// for at most <paramref name="maxWait"/>; true when they have (the caller asks again on false).
    /// </summary>
    [Alias("await-wave"), Orleans.Concurrency.AlwaysInterleave]
    Task<bool> AwaitSubmittedAsync(string scope, int before, TimeSpan maxWait);

    /// <summary>Like <see cref="RetrieveAsync"/> over the held pairs followed by the pairs of <paramref name="scope"/> submitted before <paramref name="before"/>, in input order.</summary>
    [Alias("retrieve-before")]
    Task<ImmutableArray<MetaExampleRecord>> RetrieveBeforeAsync(string question, int k, string similarity, string scope, int before);
}
