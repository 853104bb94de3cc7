using System.Globalization;
using Agents.Contracts.SelfPlay;
using Agents.Core.Prompts;
using Agents.Core.SelfPlay;
using Agents.Inference;

namespace Agents.Grains.SelfPlay;

/// <summary>
/// One SPC game: plays <see cref="SpcGameProcess.PlayAsync"/> with each model call (the solver's solutions, the attack, the
/// validation completions, the critic) routed to an <see cref="ISpcPlayerGrain"/> and memoized in persistent state, so a
/// reactivated game replays finished calls for free (their tokens still count in the record) and only makes the rest.
/// </summary>
public sealed class GameGrain(
    [PersistentState("spc-game", StorageNames.Agents)] IPersistentState<GameState> state,
    TimeProvider time,
    PromptTemplates prompts) : Grain, IGameGrain
{
    private const int MaxTokens = 1024;

    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    public async Task<GameResult> PlayAsync(GameSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Key != this.GetPrimaryKeyString())
        {
            throw new ArgumentException($"game spec '{spec.Key}' does not match grain '{this.GetPrimaryKeyString()}'", nameof(spec));
        }

        if (state.State.Result is { } done)
        {
            return done;
        }

        if (state.State.StartedAt is null)
        {
            state.State.StartedAt = time.GetUtcNow();
            await state.WriteStateAsync(cancellationToken);
        }

        var record = await SpcGameProcess.PlayAsync(prompts, SpcRecords.ToSetup(spec), (call, ct) => CallAsync(spec, call, ct), SpcOptionsText.Parse(spec.Options),
            new StartedClock(time, state.State.StartedAt.Value), cancellationToken: cancellationToken);
        var result = SpcRecords.ToWire(record);
        state.State.Result = result;
        state.State.Calls.Clear(); // the record holds every generator and critic turn; completions need not be kept
        await state.WriteStateAsync(cancellationToken);
        return result;
    }

    public Task<GameResult?> GetResultAsync() => Task.FromResult(state.State.Result);

    public Task<ImmutableArray<string>> GetCheckpointAsync() =>
        Task.FromResult(state.State.Calls.Keys.Order(StringComparer.Ordinal).ToImmutableArray());

    private async Task<SpcReply> CallAsync(GameSpec spec, SpcCall call, CancellationToken cancellationToken)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"{call.Role}/{call.Index}");
        if (state.State.Calls.TryGetValue(key, out var memo))
        {
            return new SpcReply(memo.Text, memo.PromptTokens, memo.CompletionTokens);
        }

        var (role, model) = call.Role switch
        {
            SpcRole.Generator => (ModelRoles.SneakyGenerator, spec.GeneratorModel),
            SpcRole.Critic or SpcRole.CriticPaired => (ModelRoles.Critic, spec.CriticModel),
            _ => (ModelRoles.Solver, spec.SolverModel),
        };
        var request = new SpcTurnRequest(role, model, [.. call.Messages.Select(m => new SpcMessage(m.Role.Value, m.Text))],
            call.Temperature, role == ModelRoles.Critic ? SpcOptions.Default.CriticMaxTokens : MaxTokens, call.Seed);
        var reply = await GrainFactory.GetGrain<ISpcPlayerGrain>(0).PlayTurnAsync(request, cancellationToken);
        state.State.Calls[key] = reply;
        await state.WriteStateAsync(cancellationToken);
        return new SpcReply(reply.Text, reply.PromptTokens, reply.CompletionTokens);
    }

    // The game's start time survives reactivation: the first reading is the recorded start, later ones the clock.
    private sealed class StartedClock(TimeProvider inner, DateTimeOffset started) : TimeProvider
    {
        private bool _first = true;

        public override DateTimeOffset GetUtcNow()
        {
            if (_first)
            {
                _first = false;
                return started;
            }

            return inner.GetUtcNow();
        }
    }
}

/// <summary>A game's durable state: finished model calls by "role/index", then the record.</summary>
[GenerateSerializer, Alias("agents.spc-game-state.v1")]
public sealed class GameState
{
    /// <summary>When the game first started.</summary>
    [Id(0)]
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>Finished model calls (cleared once the record is written).</summary>
    [Id(1)]
    public Dictionary<string, SpcTurnReply> Calls { get; set; } = [];

    /// <summary>The finished record.</summary>
    [Id(2)]
    public GameResult? Result { get; set; }
}
