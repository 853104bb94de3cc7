using Agents.Contracts.SelfPlay;
using Agents.Core.Spc;
using Agents.Inference;

namespace Agents.Grains.SelfPlay;

/// <summary>
/// An SPC league: a pump keeps W games in flight on the current round, records each finished game in a chunk grain
/// (never one growing object), closes the round after G valid games with its statistics and its published dataset
/// (balanced samples and preference pairs, in dataset chunk grains), then starts the next round. A game that throws is
/// retried with backoff up to max_game_attempts, then recorded as failed and replaced. A reminder restarts the pump after
/// the league's silo is lost; games resume from their own checkpoints. The decisions are Core's (<see cref="LeagueRounds"/>,
/// <see cref="LeagueFailures"/>, <see cref="LeagueGames"/>); the grain plays games, persists, and keeps the reminder.
/// </summary>
public sealed class LeagueGrain(
    [PersistentState("spc-league", StorageNames.Agents)] IPersistentState<LeagueState> state,
    TimeProvider time,
    ModelAllowList models,
    ILogger<LeagueGrain> logger) : Grain, ILeagueGrain, IRemindable
{
    private const string KeepAlive = "spc-pump";
    private readonly Dictionary<int, Task> _running = [];
    private readonly ChainedWrites<LeagueState> _writes = new(state);
    private int _consecutiveFailures;
    private bool _closing;
    private SpcOptions? _options;
    private LeagueChunks? _chunks;

    // The league's SPC options, parsed once per activation from the stored canonical text.
    private SpcOptions Options => _options ??= SpcOptionsText.Parse(state.State.Spec?.Options);

    private LeagueChunks Chunks => _chunks ??= new(GrainFactory, League);

    private string League => this.GetPrimaryKeyString();

    public async Task StartAsync(LeagueSpec spec)
    {
        // The grain is the authority: ranges and sizes (Core), then the models the cluster lists, before any game starts.
        spec = LeagueSpecs.Canonical(spec);
        models.CheckModels(spec.GeneratorModel, spec.CriticModel, spec.SolverModel);
        if (state.State.Spec is { } existing && existing != spec)
        {
            throw new InvalidOperationException($"league '{spec.League}' already exists with different settings");
        }

        if (state.State.Spec is null)
        {
            state.State.Begin(spec);
            await SaveAsync();
        }

        await KeepRunningAsync();
    }

    public async Task PauseAsync()
    {
        if (state.State.Pause())
        {
            await SaveAsync();
            await UnregisterKeepAliveAsync();
        }
    }

    public async Task ResumeAsync()
    {
        if (state.State.Resume())
        {
            await SaveAsync();
            await KeepRunningAsync();
        }
    }

    public async Task SetModelsAsync(string generatorModel, string criticModel)
    {
        if ((Agents.Core.Jobs.JobSpecRules.Spec("generator model", generatorModel) ?? Agents.Core.Jobs.JobSpecRules.Spec("critic model", criticModel)) is { } error)
        {
            throw new ArgumentException($"league models refused: {error}");
        }

        models.CheckModels(generatorModel, criticModel);
        state.State.SetModels(generatorModel, criticModel);
        await SaveAsync();
    }

    public Task<LeagueStatus> GetStatusAsync()
    {
        Pump();
        return Task.FromResult(state.State.ToStatus(League, _running.Count));
    }

    public Task<GamePage> ExportAsync(int round, int fromChunk) =>
        Chunks.GamePageAsync(round, state.State.Rounds.GetValueOrDefault(round), fromChunk);

    public Task<DatasetPage> ExportDatasetAsync(int round, int fromChunk) =>
        Chunks.DatasetPageAsync(round, state.State.Rounds.GetValueOrDefault(round), fromChunk);

    public async Task DeleteAsync()
    {
        var s = state.State;
        // A completed league's last close has nothing left to write but its own record, which the clear below follows.
        if (s.Status is LeagueStates.Running || _running.Count > 0 || (_closing && s.Status is not LeagueStates.Completed))
        {
            throw new InvalidOperationException(s.Status is LeagueStates.Running
                ? $"league '{League}' is running; pause it first (agents selfplay pause --league {League}) and delete it once its games have finished"
                : $"league '{League}' still has {_running.Count} game(s) finishing or a round closing; delete it once they have finished");
        }

        await UnregisterKeepAliveAsync();
        // The league's own record goes last, so a delete that fails part way can be asked again and finds every part.
        if (s.Spec is { } spec)
        {
            foreach (var round in s.Rounds.Values)
            {
                await Chunks.ClearAsync(spec, round);
            }
        }

        await _writes.ClearAsync();
        state.State = new LeagueState();
        DeactivateOnIdle();
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
            await KeepAliveReminder.RegisterAsync(this, KeepAlive);
            Pump();
        }
    }

    // Relaunches games a lost activation left in flight (they resume from their checkpoints), closes a round whose last game
    // was recorded just before its silo was lost, else launches games on the current round as LeagueRounds.Launch allows.
    private void Pump()
    {
        var s = state.State;
        if (s.Status is not LeagueStates.Running || s.Spec is not { } spec || !s.Rounds.TryGetValue(s.Round, out var round))
        {
            return;
        }

        Play(spec, round, LeagueRounds.Orphaned(round, _running.ContainsKey));
        if (LeagueRounds.CanClose(round, spec) && !_closing)
        {
            _ = CloseAndPumpAsync(spec, round);
            return;
        }

        var launched = LeagueRounds.Launch(round, spec, _running.Count);
        Play(spec, round, launched);
        if (launched.Length > 0)
        {
            _ = SaveAsync();
        }
    }

    private void Play(LeagueSpec spec, RoundState round, int[] games)
    {
        foreach (var index in games)
        {
            _running[index] = RunGameAsync(spec, round, index);
        }
    }

    private async Task RunGameAsync(LeagueSpec spec, RoundState round, int index)
    {
        await Task.Yield();
        var failed = false;
        try
        {
            var game = LeagueGames.GameFor(spec, round, index);
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
            var attempts = LeagueRounds.FailedAttempt(round, index);
            LeagueLog.GameFailed(logger, ex, League, round.Round, index, attempts, Options.MaxGameAttempts);
            if (LeagueFailures.GivenUp(attempts, Options))
            {
                await RecordFailedAsync(spec, round, index, ex);
            }
        }

        _running.Remove(index);
        await CloseAndPumpAsync(spec, round, backOff: failed);
    }

    // Writes the record to its chunk (idempotent by key), then counts it once (LeagueRounds.Record).
    private async Task RecordAsync(RoundState round, int index, GameResult result)
    {
        await Chunks.AppendAsync(round.Round, index, result);
        state.State.ConsecutiveFailedGames = LeagueRounds.Record(round, index, result.Valid, result.InvalidReason, state.State.ConsecutiveFailedGames);
    }

    // The last attempt failed: the game is recorded as failed (the error kept), so the pump launches another in its place;
    // too many such games in a row pause the league with the reason.
    private async Task RecordFailedAsync(LeagueSpec spec, RoundState round, int index, Exception error)
    {
        try
        {
            var now = time.GetUtcNow();
            var record = SpcGameProcess.Failed(SpcRecords.ToSetup(LeagueGames.GameFor(spec, round, index)), Options, LeagueFailures.ErrorText(error), now, now);
            await RecordAsync(round, index, SpcRecords.ToWire(record));
            if (LeagueFailures.AutoPauseReason(state.State.ConsecutiveFailedGames, Options, record.Error) is { } reason && state.State.Pause(reason))
            {
                LeagueLog.AutoPaused(logger, League, state.State.ConsecutiveFailedGames);
                await SaveAsync();
                await UnregisterKeepAliveAsync();
            }
        }
#pragma warning disable CA1031 // the game stays in flight and is tried again; its next failure records it
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LeagueLog.GameFailed(logger, ex, League, round.Round, index, round.Attempts.GetValueOrDefault(index), Options.MaxGameAttempts);
        }
    }

    private async Task CloseAndPumpAsync(LeagueSpec spec, RoundState round, bool backOff = false)
    {
        if (round.Round == state.State.Round && LeagueRounds.CanClose(round, spec) && !_closing)
        {
            // The round barrier closes the round (dataset published, statistics kept), then the league moves on.
            _closing = true;
            try
            {
                await Chunks.CloseAsync(round, Options, spec.Seed);
                if (state.State.Advance(round.Round, spec.Rounds))
                {
                    await SaveAsync();
                    await UnregisterKeepAliveAsync();
                }
            }
#pragma warning disable CA1031 // the round stays open; the next pump (status call or reminder) closes it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LeagueLog.CloseFailed(logger, ex, League, round.Round);
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
            await Task.Delay(LeagueFailures.Backoff(_consecutiveFailures));
        }

        Pump();
    }

    private Task SaveAsync() => _writes.WriteAsync();

    private Task UnregisterKeepAliveAsync() => KeepAliveReminder.UnregisterAsync(this, KeepAlive);
}
