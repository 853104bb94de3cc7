namespace Agents.Contracts.SelfPlay;

/// <summary>An SPC league (key = league name): rounds of games played W at a time, records appended durably in chunks.</summary>
[Alias("agents.spc-league")]
public interface ILeagueGrain : IGrainWithStringKey
{
    /// <summary>Starts the league, or resumes it when it exists with the same spec (a different spec throws).</summary>
    [Alias("start")]
    Task StartAsync(LeagueSpec spec);

    /// <summary>Stops launching games; games in flight finish and are recorded.</summary>
    [Alias("pause")]
    Task PauseAsync();

    /// <summary>Resumes a paused league.</summary>
    [Alias("resume")]
    Task ResumeAsync();

    /// <summary>Points the generator and critic at new model ids from the next round on (empty keeps the current one).</summary>
    [Alias("set-models")]
    Task SetModelsAsync(string generatorModel, string criticModel);

    /// <summary>The league's state and per-round table.</summary>
    [Alias("status")]
    Task<LeagueStatus> GetStatusAsync();

    /// <summary>Pages a round's records out by chunk, starting at chunk <paramref name="fromChunk"/>.</summary>
    [Alias("export")]
    Task<GamePage> ExportAsync(int round, int fromChunk);

    /// <summary>Pages out the dataset a closed round published (balanced samples and preference pairs); empty while the round is open.</summary>
    [Alias("export-dataset")]
    Task<DatasetPage> ExportDatasetAsync(int round, int fromChunk);

    /// <summary>
    /// Removes a paused or completed league with no game in flight: its rounds, game records, published datasets and games;
    /// afterwards the name reads as never started and can be used again. Throws <see cref="InvalidOperationException"/>
    /// while the league runs or games are finishing.
    /// </summary>
    [Alias("delete")]
    Task DeleteAsync();
}

/// <summary>How a league runs.</summary>
/// <param name="League">League name.</param>
/// <param name="GamesPerRound">Valid games (G) that close a round.</param>
/// <param name="Rounds">Rounds (R).</param>
/// <param name="Concurrency">Games in flight (W).</param>
/// <param name="GeneratorModel">Generator model spec ("" = role default).</param>
/// <param name="CriticModel">Critic model spec ("" = role default).</param>
/// <param name="SolverModel">Solver model spec ("" = role default).</param>
/// <param name="Seed">League seed: problems and game seeds derive from it.</param>
[GenerateSerializer, Immutable, Alias("agents.spc-league-spec.v1")]
public sealed record LeagueSpec(
    [property: Id(0)] string League,
    [property: Id(1)] int GamesPerRound,
    [property: Id(2)] int Rounds,
    [property: Id(3)] int Concurrency,
    [property: Id(4)] string GeneratorModel,
    [property: Id(5)] string CriticModel,
    [property: Id(6)] string SolverModel,
    [property: Id(7)] long Seed)
{
    /// <summary>SPC options as "key=value" entries (docs/spc.md); the league stores them canonical (every key, sorted).</summary>
    [Id(8)]
    public ImmutableArray<string> Options { get; init; } = [];

    /// <summary>Equal specs: the same fields and the same options in the same order (arrays compared by content).</summary>
    public bool Equals(LeagueSpec? other) =>
        other is not null && League == other.League && GamesPerRound == other.GamesPerRound && Rounds == other.Rounds
        && Concurrency == other.Concurrency && GeneratorModel == other.GeneratorModel && CriticModel == other.CriticModel
        && SolverModel == other.SolverModel && Seed == other.Seed && Options.AsSpan().SequenceEqual(other.Options.AsSpan());

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(League, GamesPerRound, Rounds, Concurrency, Seed, Options.Length);
}

/// <summary>League states.</summary>
public static class LeagueStates
{
    /// <summary>Never started.</summary>
    public const string None = "none";

    /// <summary>Playing games.</summary>
    public const string Running = "running";

    /// <summary>Paused by the user.</summary>
    public const string Paused = "paused";

    /// <summary>Every round closed.</summary>
    public const string Completed = "completed";
}

/// <summary>A league's state.</summary>
/// <param name="League">League name.</param>
/// <param name="State">One of <see cref="LeagueStates"/>.</param>
/// <param name="Round">The current round (Rounds + 1 when completed).</param>
/// <param name="InFlight">Games in flight now.</param>
/// <param name="Failed">Game attempts that threw (a game is retried up to max_game_attempts, then recorded as failed).</param>
/// <param name="Spec">The spec, or null when never started.</param>
/// <param name="Rounds">One row per round started.</param>
/// <param name="PauseReason">Why the league paused itself (games failing in a row, with the last error); null otherwise.</param>
/// <param name="Fault">
/// The last fault of the league's driver (a pump that failed and restarts, a round close or write the store refused, a
/// reload after the store went back), with its UTC time, or null; the league goes on by itself.
/// </param>
[GenerateSerializer, Immutable, Alias("agents.spc-league-status.v1")]
public sealed record LeagueStatus(
    [property: Id(0)] string League,
    [property: Id(1)] string State,
    [property: Id(2)] int Round,
    [property: Id(3)] int InFlight,
    [property: Id(4)] int Failed,
    [property: Id(5)] LeagueSpec? Spec,
    [property: Id(6)] ImmutableArray<RoundSummary> Rounds,
    [property: Id(7)] string? PauseReason = null,
    [property: Id(8)] string? Fault = null);

/// <summary>One round's row: progress and (when closed) the statistics of its records.</summary>
/// <param name="Round">Round.</param>
/// <param name="Closed">Whether the round closed.</param>
/// <param name="GeneratorModel">Generator model id of the round.</param>
/// <param name="CriticModel">Critic model id of the round.</param>
/// <param name="Games">Games recorded.</param>
/// <param name="ValidGames">Valid games recorded.</param>
/// <param name="CriticAccuracyAttacked">Critic accuracy on attacked steps.</param>
/// <param name="CriticAccuracyOriginal">Critic accuracy on paired original steps.</param>
/// <param name="GeneratorSuccessVsSolver">Share of games whose attack passed validation.</param>
/// <param name="GeneratorSuccessVsCritic">Share of valid games the generator won.</param>
/// <param name="InvalidAttackRate">Share of games whose attack failed.</param>
/// <param name="CriticInvalidOutputs">Critic outputs without a verdict.</param>
/// <param name="Calls">Model calls.</param>
/// <param name="PromptTokens">Prompt tokens.</param>
/// <param name="CompletionTokens">Completion tokens.</param>
/// <param name="FailedGames">Games recorded as failed after their last attempt.</param>
/// <param name="NoSolutionGames">Games whose solver found no correct solution.</param>
/// <param name="PublishedSamples">Reward samples in the published (balanced) dataset.</param>
/// <param name="PublishedPairs">Preference pairs in the published dataset.</param>
[GenerateSerializer, Immutable, Alias("agents.spc-round-summary.v1")]
public sealed record RoundSummary(
    [property: Id(0)] int Round,
    [property: Id(1)] bool Closed,
    [property: Id(2)] string GeneratorModel,
    [property: Id(3)] string CriticModel,
    [property: Id(4)] int Games,
    [property: Id(5)] int ValidGames,
    [property: Id(6)] double CriticAccuracyAttacked,
    [property: Id(7)] double CriticAccuracyOriginal,
    [property: Id(8)] double GeneratorSuccessVsSolver,
    [property: Id(9)] double GeneratorSuccessVsCritic,
    [property: Id(10)] double InvalidAttackRate,
    [property: Id(11)] int CriticInvalidOutputs,
    [property: Id(12)] long Calls,
    [property: Id(13)] long PromptTokens,
    [property: Id(14)] long CompletionTokens,
    [property: Id(15)] int FailedGames,
    [property: Id(16)] int NoSolutionGames,
    [property: Id(17)] int PublishedSamples,
    [property: Id(18)] int PublishedPairs);

/// <summary>A page of a round's records.</summary>
/// <param name="Records">The records of one chunk, by game index.</param>
/// <param name="NextChunk">The chunk to ask for next.</param>
/// <param name="Finished">True when no chunk follows.</param>
[GenerateSerializer, Immutable, Alias("agents.spc-game-page.v1")]
public sealed record GamePage(
    [property: Id(0)] ImmutableArray<GameResult> Records,
    [property: Id(1)] int NextChunk,
    [property: Id(2)] bool Finished);

/// <summary>A chunk of a round's records (key = "league/round/chunk"); appends are idempotent by game key.</summary>
[Alias("agents.spc-record-chunk")]
public interface IGameChunkGrain : IGrainWithStringKey
{
    /// <summary>Appends a record unless one with its key is already there.</summary>
    [Alias("append")]
    Task AppendAsync(GameResult record);

    /// <summary>The chunk's records by game index.</summary>
    [Alias("get")]
    Task<ImmutableArray<GameResult>> GetAsync();

    /// <summary>Removes the stored records (the league being deleted).</summary>
    [Alias("clear")]
    Task ClearAsync();
}

/// <summary>One reward row of a published round dataset (Core's <c>TrainingSample</c>).</summary>
/// <param name="Role">Trained model: "generator" or "critic".</param>
/// <param name="Turn">The turn's seat.</param>
/// <param name="GameKey">"league/round/game".</param>
/// <param name="System">System message.</param>
/// <param name="User">User message.</param>
/// <param name="Completion">Response.</param>
/// <param name="Reward">+1 or −1.</param>
/// <param name="Model">Model id that produced the response (or "synthesized:verdict-flip").</param>
/// <param name="PromptHash">The game's prompt hash.</param>
/// <param name="Seed">The game's seed.</param>
[GenerateSerializer, Immutable, Alias("agents.spc-published-sample.v1")]
public sealed record PublishedSample(
    [property: Id(0)] string Role,
    [property: Id(1)] string Turn,
    [property: Id(2)] string GameKey,
    [property: Id(3)] string System,
    [property: Id(4)] string User,
    [property: Id(5)] string Completion,
    [property: Id(6)] int Reward,
    [property: Id(7)] string Model,
    [property: Id(8)] string PromptHash,
    [property: Id(9)] long Seed);

/// <summary>One preference pair of a published round dataset.</summary>
/// <param name="Chosen">The +1 side.</param>
/// <param name="Rejected">The −1 side (same prompt).</param>
/// <param name="Synthesized">"none", "chosen" or "rejected": which side is a verdict flip of the critic's response.</param>
[GenerateSerializer, Immutable, Alias("agents.spc-published-pair.v1")]
public sealed record PublishedPair(
    [property: Id(0)] PublishedSample Chosen,
    [property: Id(1)] PublishedSample Rejected,
    [property: Id(2)] string Synthesized);

/// <summary>A chunk of a round's published dataset.</summary>
/// <param name="Samples">Balanced reward samples.</param>
/// <param name="Pairs">Preference pairs.</param>
[GenerateSerializer, Immutable, Alias("agents.spc-dataset-chunk.v1")]
public sealed record DatasetChunk(
    [property: Id(0)] ImmutableArray<PublishedSample> Samples,
    [property: Id(1)] ImmutableArray<PublishedPair> Pairs);

/// <summary>A page of a round's published dataset.</summary>
/// <param name="Chunk">The chunk's rows.</param>
/// <param name="NextChunk">The chunk to ask for next.</param>
/// <param name="Finished">True when no chunk follows.</param>
[GenerateSerializer, Immutable, Alias("agents.spc-dataset-page.v1")]
public sealed record DatasetPage(
    [property: Id(0)] DatasetChunk Chunk,
    [property: Id(1)] int NextChunk,
    [property: Id(2)] bool Finished);

/// <summary>A chunk of a round's published dataset (key = "league/round/chunk"); written whole at the round barrier.</summary>
[Alias("agents.spc-dataset-chunk")]
public interface IDatasetChunkGrain : IGrainWithStringKey
{
    /// <summary>Replaces the chunk (publishing is deterministic, so a repeated barrier writes the same rows).</summary>
    [Alias("set")]
    Task SetAsync(DatasetChunk chunk);

    /// <summary>The chunk, empty when never written.</summary>
    [Alias("get")]
    Task<DatasetChunk> GetAsync();

    /// <summary>Removes the stored chunk (the league being deleted).</summary>
    [Alias("clear")]
    Task ClearAsync();
}
