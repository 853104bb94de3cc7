using System.Text.Json;
using System.Text.Json.Nodes;
using Agents.Core.Simulation;

namespace Agents.Core.SelfPlay;

/// <summary>The export formats of a round's dataset (docs/spc.md).</summary>
public enum ExportFormat
{
    /// <summary>TRL: conversational prompt/completion/reward rows, and chosen/rejected preference pairs.</summary>
    Trl,

    /// <summary>OpenRLHF: input/output/reward rows, and prompt/chosen/rejected pairs.</summary>
    OpenRlhf,

    /// <summary>The game records themselves, one JSON object per game.</summary>
    Raw,
}

/// <summary>One training record of a player: a prompt, the player's response and its reward, with provenance.</summary>
/// <param name="Role">The trained model: <see cref="SpcPlayers.Generator"/> or <see cref="SpcPlayers.Critic"/> (paired turns train the critic).</param>
/// <param name="Turn">The turn's seat (<see cref="SpcPlayers"/>).</param>
/// <param name="GameKey">"league/round/game".</param>
/// <param name="System">The system message ("" when none).</param>
/// <param name="User">The user message.</param>
/// <param name="Completion">The response.</param>
/// <param name="Reward">+1 or −1.</param>
/// <param name="Model">The model id that produced the response.</param>
/// <param name="PromptHash">The game's prompt hash.</param>
/// <param name="Seed">The game's seed.</param>
public sealed record TrainingSample(string Role, string Turn, string GameKey, string System, string User, string Completion, int Reward, string Model, string PromptHash, long Seed);

/// <summary>Which side of a preference pair was written by the game master rather than by a model.</summary>
public static class PairSynthesis
{
    /// <summary>Both sides are model responses.</summary>
    public const string None = "none";

    /// <summary>The chosen side is the critic's response with its verdict flipped to the proven one.</summary>
    public const string Chosen = "chosen";

    /// <summary>The rejected side is the critic's response with its verdict flipped to the wrong one.</summary>
    public const string Rejected = "rejected";
}

/// <summary>A preference pair: one prompt, a response with reward +1 (chosen) and one with −1 (rejected).</summary>
/// <param name="Chosen">The +1 sample.</param>
/// <param name="Rejected">The −1 sample with the same role and prompt.</param>
/// <param name="Synthesized">One of <see cref="PairSynthesis"/>.</param>
public sealed record PreferencePair(TrainingSample Chosen, TrainingSample Rejected, string Synthesized = PairSynthesis.None);

/// <summary>A round's published dataset: the balanced reward samples and the preference pairs.</summary>
/// <param name="Samples">Balanced samples (<see cref="SpcDataset.Balance"/>).</param>
/// <param name="Pairs">Preference pairs (<see cref="SpcDataset.PreferencePairs"/>).</param>
public sealed record RoundDataset(ImmutableArray<TrainingSample> Samples, ImmutableArray<PreferencePair> Pairs);

/// <summary>Assembles, balances and exports a round's training data (docs/algorithms.md §3.6: filter → balance → publish).</summary>
public static class SpcDataset
{
    /// <summary>The training samples of the records: every turn with a reward, in record and turn order.</summary>
    public static ImmutableArray<TrainingSample> Samples(IEnumerable<GameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return
        [
            .. records.SelectMany(r => r.Turns.Where(t => t.Reward is not null && t.Player != SpcPlayers.Solver)
                .Select(t => Sample(r, t, t.Reward!.Value, t.Player == SpcPlayers.Generator ? r.GeneratorModel : r.CriticModel))),
        ];
    }

    /// <summary>
    /// Balances each role's +1/−1 samples: with <see cref="BalanceMode.Downsample"/>, the majority sign is down-sampled
    /// (a seeded choice) so that the +1 share is as close to TargetPositiveShare as whole samples allow, keeping every
    /// minority sample; a role with only one sign is kept as is. Order is preserved.
    /// </summary>
    public static ImmutableArray<TrainingSample> Balance(IReadOnlyList<TrainingSample> samples, SpcOptions? options, long seed)
    {
        ArgumentNullException.ThrowIfNull(samples);
        options ??= SpcOptions.Default;
        if (options.Balance == BalanceMode.None)
        {
            return [.. samples];
        }

        var keep = new HashSet<int>();
        foreach (var role in samples.Select(s => s.Role).Distinct(StringComparer.Ordinal))
        {
            var positives = Indexes(samples, role, 1);
            var negatives = Indexes(samples, role, -1);
            var share = options.TargetPositiveShare;
            var keptPositives = positives.Length;
            var keptNegatives = negatives.Length;
            if (positives.Length > 0 && negatives.Length > 0)
            {
                var wantPositives = (int)Math.Round(negatives.Length * share / (1 - share), MidpointRounding.AwayFromZero);
                if (wantPositives <= positives.Length)
                {
                    keptPositives = Math.Max(1, wantPositives);
                }
                else
                {
                    keptNegatives = Math.Max(1, (int)Math.Round(positives.Length * (1 - share) / share, MidpointRounding.AwayFromZero));
                }
            }

            keep.UnionWith(Pick(samples, positives, keptPositives, seed, role));
            keep.UnionWith(Pick(samples, negatives, keptNegatives, seed, role));
        }

        return [.. samples.Where((_, i) => keep.Contains(i))];
    }

    /// <summary>
    /// Preference pairs: samples of the same role with the same prompt (system and user) and opposite rewards, paired in
    /// order. With greedy single calls they arise only when a prompt was played more than once.
    /// </summary>
    public static ImmutableArray<PreferencePair> Pairs(IEnumerable<TrainingSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var pairs = ImmutableArray.CreateBuilder<PreferencePair>();
        foreach (var group in samples.GroupBy(s => (s.Role, s.System, s.User)))
        {
            var positives = group.Where(s => s.Reward > 0).ToArray();
            var negatives = group.Where(s => s.Reward < 0).ToArray();
            for (var i = 0; i < Math.Min(positives.Length, negatives.Length); i++)
            {
                pairs.Add(new PreferencePair(positives[i], negatives[i]));
            }
        }

        return pairs.ToImmutable();
    }

    /// <summary>
    /// The dataset a round barrier publishes (docs/algorithms.md §3.6: filter → balance → publish): the records' samples balanced per
    /// player with the league's options and seed, and the preference pairs of all the round's records.
    /// </summary>
    public static RoundDataset Publish(IReadOnlyCollection<GameRecord> records, SpcOptions? options, long seed)
    {
        ArgumentNullException.ThrowIfNull(records);
        return new RoundDataset(Balance(Samples(records), options, seed), PreferencePairs(records));
    }

    /// <summary>
    /// Preference pairs from the natural structure of a round (docs/spc.md "Preference pairs"): a critic pair for every
    /// critic turn of a valid game (<see cref="CriticPairs"/>), then the generator pairs (<see cref="GeneratorPairs"/>).
    /// </summary>
    public static ImmutableArray<PreferencePair> PreferencePairs(IEnumerable<GameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var list = records as IReadOnlyCollection<GameRecord> ?? [.. records];
        return [.. CriticPairs(list), .. GeneratorPairs(Samples(list))];
    }

    /// <summary>
    /// Critic pairs, only where the record proves the right verdict: in a valid game the attacked step is wrong (its
    /// completions' success rate dropped, validation) and the original step is right (it comes from a solution whose answer
    /// matched the gold, and its completions reached the gold often enough). For each critic turn with a verdict, the
    /// critic's own response is one side and the same response with its verdict tag flipped is the other: chosen is the side
    /// with the proven verdict ("Incorrect" on the attacked step, "Correct" on the original), rejected the other. Both sides
    /// share the critic's prompt; <see cref="PreferencePair.Synthesized"/> says which side is the flipped one.
    /// </summary>
    public static ImmutableArray<PreferencePair> CriticPairs(IEnumerable<GameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var pairs = ImmutableArray.CreateBuilder<PreferencePair>();
        foreach (var record in records.Where(r => r.Valid))
        {
            foreach (var turn in record.Turns.Where(t => t.Player is SpcPlayers.Critic or SpcPlayers.PairedCritic))
            {
                var said = CriticPrompt.Parse(turn.Response);
                if (said == CriticVerdict.Invalid)
                {
                    continue;
                }

                var truth = turn.Player == SpcPlayers.Critic ? CriticVerdict.Incorrect : CriticVerdict.Correct;
                var wrong = truth == CriticVerdict.Correct ? CriticVerdict.Incorrect : CriticVerdict.Correct;
                var actual = Sample(record, turn, said == truth ? 1 : -1, record.CriticModel);
                var flipped = actual with
                {
                    Completion = WithVerdict(turn.Response, said == truth ? wrong : truth),
                    Reward = -actual.Reward,
                    Model = SynthesizedModel,
                };
                pairs.Add(said == truth
                    ? new PreferencePair(actual, flipped, PairSynthesis.Rejected)
                    : new PreferencePair(flipped, actual, PairSynthesis.Chosen));
            }
        }

        return pairs.ToImmutable();
    }

    /// <summary>
    /// Generator pairs: for one generator prompt (the same problem, prefix and attacked step, which games of one problem share
    /// when GamesPerProblem ≥ 2), a successful attack (reward +1: it broke the solver and fooled the critic) is chosen and an
    /// unsuccessful one (−1: failed validation or caught by the critic) rejected, paired in record order. Both sides are model outputs.
    /// </summary>
    public static ImmutableArray<PreferencePair> GeneratorPairs(IEnumerable<TrainingSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        return Pairs(samples.Where(s => s.Role == SpcPlayers.Generator));
    }

    /// <summary>The model id written on the synthesized side of a critic pair.</summary>
    public const string SynthesizedModel = "synthesized:verdict-flip";

    /// <summary>The critic output with the text between its first verdict tags replaced by <paramref name="verdict"/>.</summary>
    public static string WithVerdict(string response, CriticVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(response);
        var open = response.IndexOf(Prompts.PromptMarkers.VerdictOpen, StringComparison.Ordinal);
        var start = open + Prompts.PromptMarkers.VerdictOpen.Length;
        var close = open < 0 ? -1 : response.IndexOf(Prompts.PromptMarkers.VerdictClose, start, StringComparison.Ordinal);
        if (close < 0)
        {
            throw new ArgumentException("the response has no verdict tags", nameof(response));
        }

        return string.Concat(response.AsSpan(0, start), verdict.ToString(), response.AsSpan(close));
    }

    /// <summary>JSON lines of the samples as reward rows in <paramref name="format"/> (not for <see cref="ExportFormat.Raw"/>).</summary>
    public static IEnumerable<string> RewardRows(IEnumerable<TrainingSample> samples, ExportFormat format)
    {
        ArgumentNullException.ThrowIfNull(samples);
        return samples.Select(s => format switch
        {
            ExportFormat.Trl => Json(new JsonObject
            {
                ["prompt"] = Messages(s),
                ["completion"] = new JsonArray(Message("assistant", s.Completion)),
                ["reward"] = (double)s.Reward,
                ["player"] = s.Role,
                ["turn"] = s.Turn,
                ["game"] = s.GameKey,
                ["model"] = s.Model,
                ["prompt_hash"] = s.PromptHash,
                ["seed"] = s.Seed,
            }),
            ExportFormat.OpenRlhf => Json(new JsonObject
            {
                ["input"] = Messages(s),
                ["output"] = s.Completion,
                ["reward"] = (double)s.Reward,
                ["weight"] = 1.0,
                ["player"] = s.Role,
                ["game"] = s.GameKey,
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Raw exports game records, not samples."),
        });
    }

    /// <summary>JSON lines of preference pairs in <paramref name="format"/> (not for <see cref="ExportFormat.Raw"/>).</summary>
    public static IEnumerable<string> PairRows(IEnumerable<PreferencePair> pairs, ExportFormat format)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return pairs.Select(p => format switch
        {
            ExportFormat.Trl => Json(new JsonObject
            {
                ["prompt"] = Messages(p.Chosen),
                ["chosen"] = new JsonArray(Message("assistant", p.Chosen.Completion)),
                ["rejected"] = new JsonArray(Message("assistant", p.Rejected.Completion)),
                ["player"] = p.Chosen.Role,
                ["turn"] = p.Chosen.Turn,
                ["synthesized"] = p.Synthesized,
                ["games"] = new JsonArray(p.Chosen.GameKey, p.Rejected.GameKey),
            }),
            ExportFormat.OpenRlhf => Json(new JsonObject
            {
                ["prompt"] = Messages(p.Chosen),
                ["chosen"] = p.Chosen.Completion,
                ["rejected"] = p.Rejected.Completion,
                ["player"] = p.Chosen.Role,
                ["turn"] = p.Chosen.Turn,
                ["synthesized"] = p.Synthesized,
                ["games"] = new JsonArray(p.Chosen.GameKey, p.Rejected.GameKey),
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Raw exports game records, not pairs."),
        });
    }

    /// <summary>One JSON line per game record, with every field (enums as names, timestamps in ISO 8601).</summary>
    public static IEnumerable<string> RawRows(IEnumerable<GameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records.Select(r => Json(new JsonObject
        {
            ["key"] = r.Key,
            ["league"] = r.League,
            ["round"] = r.Round,
            ["game"] = r.Game,
            ["generator_model"] = r.GeneratorModel,
            ["critic_model"] = r.CriticModel,
            ["solver_model"] = r.SolverModel,
            ["problem_id"] = r.ProblemId,
            ["seed"] = r.Seed,
            ["prompt_hash"] = r.PromptHash,
            ["started_at"] = r.StartedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["finished_at"] = r.FinishedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["step_index"] = r.StepIndex,
            ["step_joiner"] = r.StepJoiner,
            ["error_type"] = r.ErrorType,
            ["attack_status"] = r.AttackStatus.ToString(),
            ["original_success_rate"] = r.OriginalSuccessRate,
            ["sneaky_success_rate"] = r.SneakySuccessRate,
            ["valid"] = r.Valid,
            ["invalid_reason"] = r.InvalidReason,
            ["attack_verdict"] = r.AttackVerdict.ToString(),
            ["paired_verdict"] = r.PairedVerdict.ToString(),
            ["critic_invalid_outputs"] = r.CriticInvalidOutputs,
            ["turns"] = new JsonArray([.. r.Turns.Select(t => (JsonNode)new JsonObject
            {
                ["player"] = t.Player,
                ["system"] = t.System,
                ["user"] = t.User,
                ["response"] = t.Response,
                ["reward"] = t.Reward,
            })]),
            ["calls"] = r.Calls,
            ["prompt_tokens"] = r.PromptTokens,
            ["completion_tokens"] = r.CompletionTokens,
            ["solution_source"] = r.SolutionSource,
            ["solution_attempts"] = r.SolutionAttempts,
            ["error"] = r.Error,
        }));
    }

    private static TrainingSample Sample(GameRecord r, GameTurn t, int reward, string model) => new(
        t.Player == SpcPlayers.Generator ? SpcPlayers.Generator : SpcPlayers.Critic, t.Player, r.Key, t.System, t.User, t.Response, reward, model, r.PromptHash, r.Seed);

    private static JsonArray Messages(TrainingSample sample) => sample.System.Length == 0
        ? new JsonArray(Message("user", sample.User))
        : new JsonArray(Message("system", sample.System), Message("user", sample.User));

    private static JsonObject Message(string role, string content) => new() { ["role"] = role, ["content"] = content };

    private static string Json(JsonNode node) => node.ToJsonString(JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static int[] Indexes(IReadOnlyList<TrainingSample> samples, string role, int sign) =>
        [.. Enumerable.Range(0, samples.Count).Where(i => samples[i].Role == role && Math.Sign(samples[i].Reward) == sign)];

    private static IEnumerable<int> Pick(IReadOnlyList<TrainingSample> samples, int[] indexes, int count, long seed, string role) =>
        indexes.OrderBy(i => DeterministicRandom.Hash("spc-balance", seed, role, samples[i].GameKey, samples[i].Turn, i)).Take(count);
}
