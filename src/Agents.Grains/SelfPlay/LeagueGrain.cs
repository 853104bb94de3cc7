using System.Globalization;
using Agents.Contracts.SelfPlay;
using Agents.Core.Simulation;
using Agents.Core.Solving;
using Agents.Core.Spc;

namespace Agents.Grains.SelfPlay;

/// <summary>
/// An SPC league: a pump keeps W games in flight on the current round, records each finished game in a chunk grain
/// (never one growing object), closes the round after G valid games with its statistics, then starts the next round.
/// A reminder restarts the pump after the league's silo is lost; games resume from their own checkpoints.
/// </summary>
public sealed partial class LeagueGrain(
    [PersistentState("spc-league", StorageNames.Agents)] IPersistentState<LeagueState> state,
    ILogger<LeagueGrain> logger) : Grain, ILeagueGrain, IRemindable
{
    /// <summary>Game records per chunk grain.</summary>
    public const int ChunkSize = 16;

    private const string KeepAlive = "spc-pump";
    private readonly Dictionary<int, Task> _running = [];
    private Task _lastWrite = Task.CompletedTask;
    private int _consecutiveFailures;

    public async Task StartAsync(LeagueSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.GamesPerRound, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Rounds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Concurrency, 1);
        if (state.State.Spec is { } existing)
        {
            if (existing != spec)
            {
                throw new InvalidOperationException($"league '{spec.League}' already exists with different settings");
            }
        }
        else
        {
            state.State.Spec = spec;
            state.State.Status = LeagueStates.Running;
            state.State.Round = 1;
            state.State.GeneratorModel = spec.GeneratorModel;
            state.State.CriticModel = spec.CriticModel;
            state.State.Rounds[1] = NewRound(1);
            await SaveAsync();
        }

        await KeepRunningAsync();
    }

    public async Task PauseAsync()
    {
        if (state.State.Status is LeagueStates.Running)
        {
            state.State.Status = LeagueStates.Paused;
            await SaveAsync();
            await UnregisterKeepAliveAsync();
        }
    }

    public async Task ResumeAsync()
    {
        if (state.State.Status is LeagueStates.Paused)
        {
            state.State.Status = LeagueStates.Running;
            await SaveAsync();
            await KeepRunningAsync();
        }
    }

    public async Task SetModelsAsync(string generatorModel, string criticModel)
    {
        if (!string.IsNullOrEmpty(generatorModel))
        {
            state.State.GeneratorModel = generatorModel;
        }

        if (!string.IsNullOrEmpty(criticModel))
        {
            state.State.CriticModel = criticModel;
        }

        await SaveAsync();
    }

    public Task<LeagueStatus> GetStatusAsync()
    {
        Pump();
        var s = state.State;
        return Task.FromResult(new LeagueStatus(
            this.GetPrimaryKeyString(), s.Spec is null ? LeagueStates.None : s.Status, s.Round, _running.Count, s.Failed, s.Spec,
            [.. s.Rounds.Values.OrderBy(r => r.Round).Select(Summary)]));
    }

    public async Task<GamePage> ExportAsync(int round, int fromChunk)
    {
        if (!state.State.Rounds.TryGetValue(round, out var r))
        {
            return new GamePage([], 0, true);
        }

        var chunks = (r.NextGame + ChunkSize - 1) / ChunkSize;
        if (fromChunk >= chunks)
        {
            return new GamePage([], chunks, true);
        }

        var records = await Chunk(round, fromChunk).GetAsync();
        return new GamePage(records, fromChunk + 1, fromChunk + 1 >= chunks);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Status is LeagueStates.Running)
        {
            Pump();
        }
        else
        {
            await UnregisterKeepAliveAsync();
        }
    }

    private async Task KeepRunningAsync()
    {
        if (state.State.Status is LeagueStates.Running)
        {
            await this.RegisterOrUpdateReminder(KeepAlive, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            Pump();
        }
    }

    // Launches games on the current round until W are in flight or the round has enough valid games pending; relaunches
    // games a lost activation left in flight first (they resume from their checkpoints).
    private void Pump()
    {
        var s = state.State;
        if (s.Status is not LeagueStates.Running || s.Spec is not { } spec || !s.Rounds.TryGetValue(s.Round, out var round))
        {
            return;
        }

        foreach (var index in round.InFlight.Where(i => !_running.ContainsKey(i)).ToArray())
        {
            _running[index] = RunGameAsync(spec, round, index);
        }

        var launched = false;
        while (_running.Count < spec.Concurrency && round.Valid + _running.Count < spec.GamesPerRound)
        {
            var index = round.NextGame++;
            round.InFlight.Add(index);
            launched = true;
            _running[index] = RunGameAsync(spec, round, index);
        }

        if (launched)
        {
            _ = SaveAsync();
        }
    }

    private async Task RunGameAsync(LeagueSpec spec, RoundState round, int index)
    {
        await Task.Yield();
        var failed = false;
        try
        {
            var game = Setup(spec, round, index);
            var result = await GrainFactory.GetGrain<IGameGrain>(game.Key).PlayAsync(game);
            await Chunk(round.Round, index / ChunkSize).AppendAsync(result);
            if (round.InFlight.Remove(index))
            {
                round.Games++;
                round.Valid += result.Valid ? 1 : 0;
            }

            _consecutiveFailures = 0;
        }
#pragma warning disable CA1031 // a failed game is retried by the pump; the league must not die with it
        catch (Exception ex)
#pragma warning restore CA1031
        {
            state.State.Failed++;
            _consecutiveFailures++;
            failed = true;
            LogGameFailed(logger, ex, this.GetPrimaryKeyString(), round.Round, index);
        }
        finally
        {
            _running.Remove(index);
        }

        if (round.Round == state.State.Round && round.Valid >= spec.GamesPerRound && round.InFlight.Count == 0 && !round.Closed)
        {
            await CloseRoundAsync(spec, round);
        }

        await SaveAsync();
        if (failed)
        {
            // Back off before the retry: 100 ms per consecutive failure, at most 10 s.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(10_000, 100 * _consecutiveFailures)));
        }

        Pump();
    }

    private async Task CloseRoundAsync(LeagueSpec spec, RoundState round)
    {
        var records = new List<GameRecord>();
        for (var chunk = 0; chunk * ChunkSize < round.NextGame; chunk++)
        {
            records.AddRange((await Chunk(round.Round, chunk).GetAsync()).Select(SpcRecords.ToCore));
        }

        round.Stats = Wire(round, RoundStatistics.Compute(round.Round, records));
        round.Closed = true;
        if (round.Round >= spec.Rounds)
        {
            state.State.Status = LeagueStates.Completed;
            state.State.Round = round.Round + 1;
            await SaveAsync();
            await UnregisterKeepAliveAsync();
            return;
        }

        state.State.Round = round.Round + 1;
        state.State.Rounds[state.State.Round] = NewRound(state.State.Round);
    }

    private RoundState NewRound(int round) => new()
    {
        Round = round,
        GeneratorModel = state.State.GeneratorModel,
        CriticModel = state.State.CriticModel,
    };

    private static GameSpec Setup(LeagueSpec spec, RoundState round, int index) =>
        GameFor(spec, round.Round, index, round.GeneratorModel, round.CriticModel);

    /// <summary>
    /// The game (round, index) of a league: problem (round−1)·100000 + index of the league seed's synthetic sequence,
    /// played on its reference solution, with a seed derived from the league, problem, round and league seed.
    /// </summary>
    public static GameSpec GameFor(LeagueSpec spec, int round, int index, string generatorModel, string criticModel)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var ordinal = ((round - 1) * 100_000) + index;
        var problem = SyntheticProblems.GenerateOne(spec.Seed, ordinal, 3, 6);
        var steps = Enumerable.Range(0, problem.Steps)
            .Select(i => problem.CorrectStep(i) + (i == problem.Steps - 1 ? $"\nThe answer is \\boxed{{{problem.Answer}}}." : string.Empty))
            .ToImmutableArray();
        var problemId = string.Create(CultureInfo.InvariantCulture, $"{SyntheticProblems.Source}-{ordinal + 1:D4}");
        var seed = SampleSeed.Derive(spec.League, problemId, "spc-game", round, spec.Seed);
        return new GameSpec(spec.League, round, index, problemId, problem.Question, problem.Answer.ToString(CultureInfo.InvariantCulture),
            steps, generatorModel, criticModel, spec.SolverModel, seed);
    }

    private static RoundSummary Wire(RoundState round, RoundStatistics s) =>
        new(round.Round, true, round.GeneratorModel, round.CriticModel, s.Games, s.ValidGames, s.CriticAccuracyAttacked, s.CriticAccuracyOriginal,
            s.GeneratorSuccessVsSolver, s.GeneratorSuccessVsCritic, s.InvalidAttackRate, s.CriticInvalidOutputs, s.Calls, s.PromptTokens, s.CompletionTokens);

    private static RoundSummary Summary(RoundState round) =>
        round.Stats ?? new RoundSummary(round.Round, false, round.GeneratorModel, round.CriticModel, round.Games, round.Valid, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    private IGameChunkGrain Chunk(int round, int chunk) =>
        GrainFactory.GetGrain<IGameChunkGrain>(string.Create(CultureInfo.InvariantCulture, $"{this.GetPrimaryKeyString()}/{round}/{chunk}"));

    // Writes are chained: concurrent game completions must not race on the state's ETag.
    private Task SaveAsync()
    {
        _lastWrite = WriteAfterAsync(_lastWrite);
        return _lastWrite;
    }

    private async Task WriteAfterAsync(Task previous)
    {
        try
        {
            await previous;
        }
#pragma warning disable CA1031 // the failed write is reported to its own caller
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        await state.WriteStateAsync();
    }

    private async Task UnregisterKeepAliveAsync()
    {
        if (await this.GetReminder(KeepAlive) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "league {League}: game {Round}/{Game} failed; it will be retried")]
    private static partial void LogGameFailed(ILogger logger, Exception ex, string league, int round, int game);
}

/// <summary>A league's durable state: spec, status, current models and one small row per round (records live in chunks).</summary>
[GenerateSerializer, Alias("agents.spc-league-state.v1")]
public sealed class LeagueState
{
    /// <summary>The spec.</summary>
    [Id(0)]
    public LeagueSpec? Spec { get; set; }

    /// <summary>One of <see cref="LeagueStates"/>.</summary>
    [Id(1)]
    public string Status { get; set; } = LeagueStates.None;

    /// <summary>The current round.</summary>
    [Id(2)]
    public int Round { get; set; }

    /// <summary>Generator model for rounds not yet started.</summary>
    [Id(3)]
    public string GeneratorModel { get; set; } = string.Empty;

    /// <summary>Critic model for rounds not yet started.</summary>
    [Id(4)]
    public string CriticModel { get; set; } = string.Empty;

    /// <summary>Rounds by number.</summary>
    [Id(5)]
    public Dictionary<int, RoundState> Rounds { get; set; } = [];

    /// <summary>Game attempts that threw.</summary>
    [Id(6)]
    public int Failed { get; set; }
}

/// <summary>One round's progress.</summary>
[GenerateSerializer, Alias("agents.spc-round-state.v1")]
public sealed class RoundState
{
    /// <summary>The round.</summary>
    [Id(0)]
    public int Round { get; set; }

    /// <summary>The next game index to launch.</summary>
    [Id(1)]
    public int NextGame { get; set; }

    /// <summary>Games launched and not yet recorded.</summary>
    [Id(2)]
    public HashSet<int> InFlight { get; set; } = [];

    /// <summary>Games recorded.</summary>
    [Id(3)]
    public int Games { get; set; }

    /// <summary>Valid games recorded.</summary>
    [Id(4)]
    public int Valid { get; set; }

    /// <summary>Whether the round closed.</summary>
    [Id(5)]
    public bool Closed { get; set; }

    /// <summary>The round's statistics once closed.</summary>
    [Id(6)]
    public RoundSummary? Stats { get; set; }

    /// <summary>Generator model of the round.</summary>
    [Id(7)]
    public string GeneratorModel { get; set; } = string.Empty;

    /// <summary>Critic model of the round.</summary>
    [Id(8)]
    public string CriticModel { get; set; } = string.Empty;
}
