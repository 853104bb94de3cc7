using Agents.Contracts.SelfPlay;
using Agents.Core.Jobs;
using Agents.Core.SelfPlay;
using Agents.Grains.Driving;

namespace Agents.Grains.SelfPlay;

/// <summary>
/// One league activation's work: keeps W games in flight on the current round (relaunching games a lost activation left
/// in flight; they resume from their own checkpoints), records each finished game, saves, closes the round at its
/// barrier and moves on, until the league completes or pauses. A game that throws is retried with a backoff (on the
/// silo's clock) up to max_game_attempts, then recorded as failed and replaced. Started by the league's
/// <see cref="GrainDriver"/> on the grain's scheduler; works on the state object it was created with, so once stopped
/// (the activation is leaving or reloading its state) nothing it still hears of reaches the state that is saved.
/// </summary>
internal sealed class LeaguePump(
    IPersistentState<LeagueState> state, SerialWrites writes, LeagueChunks chunks, IGrainFactory grains, SpcOptions options,
    TimeProvider time, string league, ILogger logger)
{
    private readonly LeagueState _league = state.State;
    private readonly Dictionary<int, Task<bool>> _running = [];
    private int _consecutiveFailures;
    private bool _stopped;

    /// <summary>Games playing now.</summary>
    public int InFlight => _running.Count;

    /// <summary>Whether a round barrier is being closed.</summary>
    public bool Closing { get; private set; }

    private bool Running => !_stopped && _league.Status is LeagueStates.Running;

    /// <summary>Starts nothing more and saves nothing more; games in flight finish in their own grains.</summary>
    public void Stop() => _stopped = true;

    /// <summary>Plays, records and closes rounds while the league runs; once it stops running, waits for the games in flight and records them.</summary>
    public async Task RunAsync()
    {
        while (!_stopped)
        {
            if (Running && _league.Spec is { } spec && _league.Rounds.TryGetValue(_league.Round, out var round))
            {
                Play(spec, round, LeagueRounds.Orphaned(round, _running.ContainsKey));
                if (LeagueRounds.CanClose(round, spec))
                {
                    await CloseAsync(spec, round);
                    continue;
                }

                var launched = LeagueRounds.Launch(round, spec, _running.Count);
                Play(spec, round, launched);
                if (launched.Length > 0)
                {
                    await SaveAsync();
                }
            }

            if (_running.Count == 0)
            {
                return;
            }

            await Task.WhenAny(_running.Values);
            var failed = false;
            foreach (var (index, game) in _running.Where(g => g.Value.IsCompleted).ToList())
            {
                _running.Remove(index);
                failed |= await game;
            }

            await SaveAsync();
            if (failed && Running)
            {
                await Task.Delay(LeagueFailures.Backoff(_consecutiveFailures), time);
            }
        }
    }

    private void Play(LeagueSpec spec, RoundState round, int[] games)
    {
        foreach (var index in games)
        {
            _running[index] = RunGameAsync(spec, round, index);
        }
    }

    // True when the game threw (it stays in flight, so the next pass relaunches it, or it was recorded as failed).
    private async Task<bool> RunGameAsync(LeagueSpec spec, RoundState round, int index)
    {
        await Task.Yield();
        try
        {
            var game = LeagueGames.GameFor(spec, round, index);
            // Asked again while no answer comes: a lost answer must not hold the game in flight for the call timeout.
            var result = await PatientCalls.AskAsync(() => grains.GetGrain<IGameGrain>(game.Key).PlayAsync(game), time,
                (asks, waited) => LeagueLog.AskingAgain(logger, league, round.Round, index, waited.TotalSeconds, asks + 1));
            if (!_stopped)
            {
                await RecordAsync(round, index, result);
                _consecutiveFailures = 0;
            }

            return false;
        }
#pragma warning disable CA1031 // a failed game is retried by the pump (then recorded as failed); the league must not die with it
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (_stopped)
            {
                return true;
            }

            if (StoreFaults.IsRollback(ex))
            {
                // Not the game's fault: a grain it wrote conflicted with a store that went back (and was replaced); the
                // game stays in flight and the next pass plays it again without using up an attempt.
                LeagueLog.GameFailed(logger, ex, league, round.Round, index, round.Attempts.GetValueOrDefault(index), options.MaxGameAttempts);
                return true;
            }

            _league.Failed++;
            _consecutiveFailures++;
            var attempts = LeagueRounds.FailedAttempt(round, index);
            LeagueLog.GameFailed(logger, ex, league, round.Round, index, attempts, options.MaxGameAttempts);
            if (LeagueFailures.GivenUp(attempts, options))
            {
                await RecordFailedAsync(spec, round, index, ex);
            }

            return true;
        }
    }

    // Writes the record to its chunk (idempotent by key), then counts it once (LeagueRounds.Record).
    private async Task RecordAsync(RoundState round, int index, GameResult result)
    {
        await PatientCalls.AskAsync(() => chunks.AppendAsync(round.Round, index, result), time,
            (asks, waited) => LeagueLog.AskingAgain(logger, league, round.Round, index, waited.TotalSeconds, asks + 1));
        _league.ConsecutiveFailedGames = LeagueRounds.Record(round, index, result.Valid, result.InvalidReason, _league.ConsecutiveFailedGames);
    }

    // The last attempt failed: the game is recorded as failed (the error kept), so the pump launches another in its place;
    // too many such games in a row pause the league with the reason (the driver then drops its keep-alive).
    private async Task RecordFailedAsync(LeagueSpec spec, RoundState round, int index, Exception error)
    {
        try
        {
            var now = time.GetUtcNow();
            var record = SpcGameProcess.Failed(SpcRecords.ToSetup(LeagueGames.GameFor(spec, round, index)), options, LeagueFailures.ErrorText(error), now, now);
            await RecordAsync(round, index, SpcRecords.ToWire(record));
            if (LeagueFailures.AutoPauseReason(_league.ConsecutiveFailedGames, options, record.Error) is { } reason && _league.Pause(reason))
            {
                LeagueLog.AutoPaused(logger, league, _league.ConsecutiveFailedGames);
            }
        }
#pragma warning disable CA1031 // the game stays in flight and is tried again; its next failure records it
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LeagueLog.GameFailed(logger, ex, league, round.Round, index, round.Attempts.GetValueOrDefault(index), options.MaxGameAttempts);
        }
    }

    // The round barrier closes the round (dataset published, statistics kept), then the league moves on. A failure
    // leaves the round open and ends the pass: the driver logs it and starts the pump again after a backoff.
    private async Task CloseAsync(LeagueSpec spec, RoundState round)
    {
        Closing = true;
        try
        {
            await chunks.CloseAsync(round, options, spec.Seed);
            _league.Advance(round.Round, spec.Rounds);
            await SaveAsync();
        }
        finally
        {
            Closing = false;
        }
    }

    private Task SaveAsync() => _stopped ? Task.CompletedTask : writes.RunAsync(() => state.WriteStateAsync());
}
