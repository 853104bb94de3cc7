using Agents.Contracts.SelfPlay;
using Agents.Core.SelfPlay;
using Agents.Grains.Driving;
using Agents.Inference;

namespace Agents.Grains.SelfPlay;

/// <summary>
/// An SPC league: a <see cref="LeaguePump"/> keeps W games in flight on the current round, records each finished game in
/// a chunk grain (never one growing object), closes the round after G valid games with its statistics and its published
/// dataset (balanced samples and preference pairs, in dataset chunk grains), then starts the next round. A
/// <see cref="GrainDriver"/> drives the pump (timer: start, restart after a fault, reload after a store rollback;
/// reminder: back after the league's silo is lost; games resume from their own checkpoints); status queries only read.
/// The decisions are Core's (<see cref="LeagueRounds"/>, <see cref="LeagueFailures"/>, <see cref="LeagueGames"/>).
/// </summary>
public sealed class LeagueGrain(
    [PersistentState("spc-league", StorageNames.Agents)] IPersistentState<LeagueState> state,
    TimeProvider time,
    ModelAllowList models,
    ILogger<LeagueGrain> logger) : Grain, ILeagueGrain, IRemindable, IDrivenWork
{
    private const string KeepAlive = "spc-pump";

    // The pump only needs to be watched: games report to it as they finish; a fault restarts it after a backoff.
    private static readonly TimeSpan DriverPeriod = TimeSpan.FromSeconds(1);

    private readonly SerialWrites _writes = new();
    private SpcOptions? _options;
    private LeagueChunks? _chunks;
    private LeaguePump? _pump;
    private GrainDriver? _driver;

    // The league's SPC options, parsed once per activation from the stored canonical text.
    private SpcOptions Options => _options ??= SpcOptionsText.Parse(state.State.Spec?.Options);

    private LeagueChunks Chunks => _chunks ??= new(GrainFactory, League, time, logger);

    private LeaguePump Pump => _pump ??= new(state, _writes, Chunks, GrainFactory, Options, time, League, logger);

    private GrainDriver Driver => _driver ??= new(this, this, KeepAlive, DriverPeriod, time, logger, $"league {League}");

    private string League => this.GetPrimaryKeyString();

    bool IDrivenWork.ShouldRun => state.State.Status is LeagueStates.Running && state.State.Spec is not null;

    DateTimeOffset? IDrivenWork.WakeAt => null;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A running league goes on wherever it is activated (after its silo was lost, or the whole cluster restarted).
        Driver.Wake();
        return base.OnActivateAsync(cancellationToken);
    }

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
            await Driver.StopKeepAliveAsync();
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

    public Task<LeagueStatus> GetStatusAsync() =>
        Task.FromResult(state.State.ToStatus(League, _pump?.InFlight ?? 0) with { Fault = _driver?.Fault });

    public Task<GamePage> ExportAsync(int round, int fromChunk) =>
        Chunks.GamePageAsync(round, state.State.Rounds.GetValueOrDefault(round), fromChunk);

    public Task<DatasetPage> ExportDatasetAsync(int round, int fromChunk) =>
        Chunks.DatasetPageAsync(round, state.State.Rounds.GetValueOrDefault(round), fromChunk);

    public async Task DeleteAsync()
    {
        var s = state.State;
        var inFlight = _pump?.InFlight ?? 0;
        // A completed league's last close has nothing left to write but its own record, which the clear below follows.
        if (s.Status is LeagueStates.Running || inFlight > 0 || (_pump is { Closing: true } && s.Status is not LeagueStates.Completed))
        {
            throw new InvalidOperationException(s.Status is LeagueStates.Running
                ? $"league '{League}' is running; pause it first (agents selfplay pause --league {League}) and delete it once its games have finished"
                : $"league '{League}' still has {inFlight} game(s) finishing or a round closing; delete it once they have finished");
        }

        _pump?.Stop();
        Driver.Dispose();
        await Driver.StopKeepAliveAsync();
        // The league's own record goes last, so a delete that fails part way can be asked again and finds every part.
        if (s.Spec is { } spec)
        {
            foreach (var round in s.Rounds.Values)
            {
                await Chunks.ClearAsync(spec, round);
            }
        }

        await _writes.RunAsync(async () =>
        {
            _writes.Close();
            await state.ClearStateAsync();
        });
        state.State = new LeagueState();
        DeactivateOnIdle();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Driver.ReceiveReminderAsync();

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // What the pump still hears of is not saved: a later activation relaunches its games, which answer from their state.
        Driver.Dispose();
        _pump?.Stop();
        _writes.Close();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    Task IDrivenWork.RunAsync() => Pump.RunAsync();

    Task IDrivenWork.TickAsync() => Task.CompletedTask;

    async Task IDrivenWork.ReloadAsync()
    {
        // The old pump stops (its games finish in their own grains, which keep their results); the state is read again
        // and a new pump relaunches the games the stored round has in flight.
        _pump?.Stop();
        _pump = null;
        _options = null;
        await state.ReadStateAsync();
    }

    private async Task KeepRunningAsync()
    {
        if (state.State.Status is LeagueStates.Running)
        {
            await Driver.StartAsync();
        }
    }

    private Task SaveAsync() => _writes.RunAsync(() => state.WriteStateAsync());
}
