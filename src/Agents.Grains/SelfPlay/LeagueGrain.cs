using System.Globalization;
using Agents.Contracts.SelfPlay;
using Agents.Core.Simulation;
using Agents.Core.Solving;
using Agents.Core.Spc;

namespace Agents.Grains.SelfPlay;

/// <summary>
/// An SPC league: a pump keeps W games in flight on the current round, records each finished game in a chunk grain
/// (never one growing object), closes the round after G valid games with its statistics and its published dataset
/// (balanced samples and preference pairs, in dataset chunk grains), then starts the next round. A game that throws is
/// retried with backoff up to max_game_attempts, then recorded as failed and replaced. A reminder restarts the pump after
/// the league's silo is lost; games resume from their own checkpoints.
/// </summary>
public sealed partial class LeagueGrain(
    [PersistentState("spc-league", StorageNames.Agents)] IPersistentState<LeagueState> state,
    TimeProvider time,
    ILogger<LeagueGrain> logger) : Grain, ILeagueGrain, IRemindable
{
    /// <summary>Game records per chunk grain.</summary>
    public const int ChunkSize = 16;

    /// <summary>Published samples (and pairs) per dataset chunk grain.</summary>
    public const int DatasetChunkSize = 64;

    private const string KeepAlive = "spc-pump";
    private readonly Dictionary<int, Task> _running = [];
    private Task _lastWrite = Task.CompletedTask;
    private int _consecutiveFailures;
    private bool _closing;
    private SpcOptions? _options;

    // The league's SPC options, parsed once per activation from the stored canonical text.
    private SpcOptions Options => _options ??= SpcOptionsText.Parse(state.State.Spec?.Options);

    public async Task StartAsync(LeagueSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.GamesPerRound, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Rounds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Concurrency, 1);
        spec = spec with { Options = SpcOptionsText.Canonical(spec.Options) };
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
            state.State.PauseReason = null;
            state.State.ConsecutiveFailedGames = 0;
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
            [.. s.Rounds.Values.OrderBy(r => r.Round).Select(Summary)], s.PauseReason));
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

    public async Task<DatasetPage> ExportDatasetAsync(int round, int fromChunk)
    {
        if (!state.State.Rounds.TryGetValue(round, out var r) || !r.Closed || fromChunk >= r.DatasetChunks)
        {
            return new DatasetPage(new DatasetChunk([], []), Math.Max(fromChunk, r?.DatasetChunks ?? 0), true);
        }

        return new DatasetPage(await DatasetChunkOf(round, fromChunk).GetAsync(), fromChunk + 1, fromChunk + 1 >= r.DatasetChunks);
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

        // A round whose last game was recorded just before its silo was lost closes here, after the restart.
        if (round.Valid >= spec.GamesPerRound && round.InFlight.Count == 0 && !round.Closed && !_closing)
        {
            _ = CloseAndPumpAsync(spec, round);
            return;
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
            await RecordAsync(round, index, await GrainFactory.GetGrain<IGameGrain>(game.Key).PlayAsync(game));
            _consecutiveFailures = 0;
        }
#pragma warning disable CA1031 // a failed game is retried by the pump (then recorded as failed); the league must not die with it
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failed = true;
            state.State.Failed++;
            _consecutiveFailures++;
            var attempts = round.Attempts[index] = round.Attempts.GetValueOrDefault(index) + 1;
            LogGameFailed(logger, ex, this.GetPrimaryKeyString(), round.Round, index, attempts, Options.MaxGameAttempts);
            if (attempts >= Options.MaxGameAttempts)
            {
                await RecordFailedAsync(spec, round, index, ex);
            }
        }

        _running.Remove(index);
        await CloseAndPumpAsync(spec, round, backOff: failed);
    }

    // Writes the record to its chunk (idempotent by key), then counts it once: a game relaunched after a lost activation
    // may finish twice, but only the first finish finds it in flight.
    private async Task RecordAsync(RoundState round, int index, GameResult result)
    {
        await Chunk(round.Round, index / ChunkSize).AppendAsync(result);
        if (round.InFlight.Remove(index))
        {
            round.Games++;
            round.Valid += result.Valid ? 1 : 0;
            var gameFailed = result.InvalidReason == SpcGame.ReasonGameFailed;
            round.FailedGames += gameFailed ? 1 : 0;
            state.State.ConsecutiveFailedGames = gameFailed ? state.State.ConsecutiveFailedGames + 1 : 0;
            round.Attempts.Remove(index);
        }
    }

    // The last attempt failed: the game is recorded as failed (the error kept), so the pump launches another in its place.
    private async Task RecordFailedAsync(LeagueSpec spec, RoundState round, int index, Exception error)
    {
        try
        {
            var now = time.GetUtcNow();
            var record = SpcGameProcess.Failed(SpcRecords.ToSetup(Setup(spec, round, index)), Options, $"{error.GetType().Name}: {error.Message}", now, now);
            await RecordAsync(round, index, SpcRecords.ToWire(record));
            if (Options.MaxConsecutiveFailedGames > 0 && state.State.ConsecutiveFailedGames >= Options.MaxConsecutiveFailedGames
                && state.State.Status is LeagueStates.Running)
            {
                // A backend that fails every game would otherwise get game after game; stop and say why.
                state.State.Status = LeagueStates.Paused;
                state.State.PauseReason =
                    $"{state.State.ConsecutiveFailedGames} games in a row failed after {Options.MaxGameAttempts} attempt(s) each; last error: {record.Error}";
                LogAutoPaused(logger, this.GetPrimaryKeyString(), state.State.ConsecutiveFailedGames);
                await SaveAsync();
                await UnregisterKeepAliveAsync();
            }
        }
#pragma warning disable CA1031 // the game stays in flight and is tried again; its next failure records it
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogGameFailed(logger, ex, this.GetPrimaryKeyString(), round.Round, index, round.Attempts.GetValueOrDefault(index), Options.MaxGameAttempts);
        }
    }

    private async Task CloseAndPumpAsync(LeagueSpec spec, RoundState round, bool backOff = false)
    {
        if (round.Round == state.State.Round && round.Valid >= spec.GamesPerRound && round.InFlight.Count == 0 && !round.Closed && !_closing)
        {
            _closing = true;
            try
            {
                await CloseRoundAsync(spec, round);
            }
#pragma warning disable CA1031 // the round stays open; the next pump (status call or reminder) closes it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogCloseFailed(logger, ex, this.GetPrimaryKeyString(), round.Round);
                return;
            }
            finally
            {
                _closing = false;
            }
        }

        await SaveAsync();
        if (backOff)
        {
            // Back off before the retry: 100 ms per consecutive failure, at most 10 s.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(10_000, 100 * _consecutiveFailures)));
        }

        Pump();
    }

    // The round barrier: statistics of every record, then the published dataset (balanced per player with the league's
    // options, plus preference pairs) written to dataset chunks before the round is marked closed.
    private async Task CloseRoundAsync(LeagueSpec spec, RoundState round)
    {
        var records = new List<GameRecord>();
        for (var chunk = 0; chunk * ChunkSize < round.NextGame; chunk++)
        {
            records.AddRange((await Chunk(round.Round, chunk).GetAsync()).Select(SpcRecords.ToCore));
        }

        var dataset = SpcDataset.Publish(records, Options, spec.Seed);
        var chunks = Math.Max(1, (Math.Max(dataset.Samples.Length, dataset.Pairs.Length) + DatasetChunkSize - 1) / DatasetChunkSize);
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            await DatasetChunkOf(round.Round, chunk).SetAsync(SpcRecords.ToWire(
                dataset.Samples.Skip(chunk * DatasetChunkSize).Take(DatasetChunkSize), dataset.Pairs.Skip(chunk * DatasetChunkSize).Take(DatasetChunkSize)));
        }

        round.DatasetChunks = chunks;
        round.PublishedSamples = dataset.Samples.Length;
        round.PublishedPairs = dataset.Pairs.Length;
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
    /// The game (round, index) of a league: problem (round−1)·100000 + index / games_per_problem of the league seed's
    /// synthetic sequence (its reference solution goes along for solution_source=reference), with a seed derived from the
    /// league, problem, round and league seed, so that the games of one problem attack the same step.
    /// </summary>
    public static GameSpec GameFor(LeagueSpec spec, int round, int index, string generatorModel, string criticModel)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var options = SpcOptionsText.Canonical(spec.Options);
        var ordinal = ((round - 1) * 100_000) + (index / SpcOptionsText.Parse(options).GamesPerProblem);
        var problem = SyntheticProblems.GenerateOne(spec.Seed, ordinal, 3, 6);
        var steps = Enumerable.Range(0, problem.Steps)
            .Select(i => problem.CorrectStep(i) + (i == problem.Steps - 1 ? $"\nThe answer is \\boxed{{{problem.Answer}}}." : string.Empty))
            .ToImmutableArray();
        var problemId = string.Create(CultureInfo.InvariantCulture, $"{SyntheticProblems.Source}-{ordinal + 1:D4}");
        var seed = SampleSeed.Derive(spec.League, problemId, "spc-game", round, spec.Seed);
        return new GameSpec(spec.League, round, index, problemId, problem.Question, problem.Answer.ToString(CultureInfo.InvariantCulture),
            steps, generatorModel, criticModel, spec.SolverModel, seed) { Options = options };
    }

    private static RoundSummary Wire(RoundState round, RoundStatistics s) =>
        new(round.Round, true, round.GeneratorModel, round.CriticModel, s.Games, s.ValidGames, s.CriticAccuracyAttacked, s.CriticAccuracyOriginal,
            s.GeneratorSuccessVsSolver, s.GeneratorSuccessVsCritic, s.InvalidAttackRate, s.CriticInvalidOutputs, s.Calls, s.PromptTokens, s.CompletionTokens,
            s.FailedGames, s.NoSolutionGames, round.PublishedSamples, round.PublishedPairs);

    private static RoundSummary Summary(RoundState round) =>
        round.Stats ?? new RoundSummary(round.Round, false, round.GeneratorModel, round.CriticModel, round.Games, round.Valid, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            round.FailedGames, 0, 0, 0);

    private IGameChunkGrain Chunk(int round, int chunk) =>
        GrainFactory.GetGrain<IGameChunkGrain>(string.Create(CultureInfo.InvariantCulture, $"{this.GetPrimaryKeyString()}/{round}/{chunk}"));

    private IDatasetChunkGrain DatasetChunkOf(int round, int chunk) =>
        GrainFactory.GetGrain<IDatasetChunkGrain>(string.Create(CultureInfo.InvariantCulture, $"{this.GetPrimaryKeyString()}/{round}/{chunk}"));

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "league {League}: game {Round}/{Game} failed (attempt {Attempt} of {MaxAttempts})")]
    private static partial void LogGameFailed(ILogger logger, Exception ex, string league, int round, int game, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "league {League}: paused itself after {Games} failed games in a row; fix the backend, then resume")]
    private static partial void LogAutoPaused(ILogger logger, string league, int games);

    [LoggerMessage(Level = LogLevel.Warning, Message = "league {League}: closing round {Round} failed; it will be retried")]
    private static partial void LogCloseFailed(ILogger logger, Exception ex, string league, int round);
}
