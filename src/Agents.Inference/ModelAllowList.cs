using System.Diagnostics.CodeAnalysis;
using Agents.Core.Security;
using Agents.Inference.Rewards;

namespace Agents.Inference;

/// <summary>
/// The models and reward backends a silo lets a client use. A client names a model (<c>Agents:Models:Named:NAME</c>) or
/// repeats a spec the silo itself configures (its default, a role's model, a listed one, a model it hosts); it never
/// brings its own URL, file or key. <c>sim</c> is always allowed (it runs in-process and reaches nothing). Only where the
/// client is the operator (the CLI's embedded silo, whose command line is its configuration) does
/// <see cref="ModelOptions.AllowClientSpecs"/> let any valid spec through.
/// </summary>
public sealed class ModelAllowList
{
    /// <summary>The prefix of every refusal, which callers and tests look for.</summary>
    public const string NotAllowed = "model not allowed";

    private readonly Dictionary<string, ModelSpec> _named = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, RewardSpec> _namedRewards = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _configured = new(StringComparer.Ordinal);
    private readonly HashSet<string> _configuredRewards = new(StringComparer.Ordinal);
    private readonly bool _any;

    /// <summary>Builds the list from the silo's model and reward options and the specs of the models it hosts.</summary>
    public ModelAllowList(ModelOptions models, RewardOptions? rewards = null, IEnumerable<string>? hostedSpecs = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        _any = models.AllowClientSpecs;
        foreach (var (name, spec) in models.Named)
        {
            _named[name.Trim()] = ModelSpec.Parse(spec);
        }

        foreach (var spec in ModelRoles.All.Select(models.SpecFor).Prepend(models.Default).Concat(_named.Values.Select(s => s.Text)).Concat(hostedSpecs ?? []))
        {
            if (ModelSpec.TryParse(spec, out var parsed))
            {
                _configured.Add(parsed.Text);
            }
        }

        if (rewards is null)
        {
            return;
        }

        foreach (var (name, spec) in rewards.Named)
        {
            _namedRewards[name.Trim()] = RewardSpec.Parse(spec);
        }

        foreach (var spec in _namedRewards.Values.Select(s => s.Text).Append(rewards.Default))
        {
            if (RewardSpec.TryParse(spec, out var parsed))
            {
                _configuredRewards.Add(parsed.Text);
                if (parsed.Kind == RewardSpecKind.Judge && ModelSpec.TryParse(parsed.JudgeModel, out var judge))
                {
                    // A judge the operator configured runs on a model the operator chose.
                    _configured.Add(judge.Text);
                }
            }
        }
    }

    /// <summary>The model names clients may use (for <c>agents cluster status</c>), <c>sim</c> included.</summary>
    public IReadOnlyList<string> ModelNames => [.. _named.Keys.Order(StringComparer.OrdinalIgnoreCase).Prepend("sim").Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The reward names clients may use, <c>sim</c> included.</summary>
    public IReadOnlyList<string> RewardNames => [.. _namedRewards.Keys.Order(StringComparer.OrdinalIgnoreCase).Prepend("sim").Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Whether any valid spec is accepted (the embedded CLI silo).</summary>
    public bool AllowsAnySpec => _any;

    /// <summary>The spec a client's model name or spec stands for; throws <see cref="ArgumentException"/> ("model not allowed: …") when the silo does not list it.</summary>
    public ModelSpec ResolveModel(string requested) =>
        TryResolveModel(requested, out var spec, out var error) ? spec : throw new ArgumentException(error);

    /// <summary>The reward spec a client's reward name or spec stands for; throws <see cref="ArgumentException"/> when the silo does not list it.</summary>
    public RewardSpec ResolveReward(string requested) =>
        TryResolveReward(requested, out var spec, out var error) ? spec : throw new ArgumentException(error);

    /// <summary>Throws <see cref="ArgumentException"/> ("model not allowed: …") for the first spec the silo does not list; empty specs (the silo's default) pass.</summary>
    public void CheckModels(params string?[] specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        foreach (var spec in specs.Where(s => !string.IsNullOrWhiteSpace(s)))
        {
            ResolveModel(spec!);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> when a non-empty reward spec is not listed.</summary>
    public void CheckReward(string? spec)
    {
        if (!string.IsNullOrWhiteSpace(spec))
        {
            ResolveReward(spec);
        }
    }

    /// <summary>Resolves a client's model name or spec without throwing.</summary>
    public bool TryResolveModel(string? requested, [NotNullWhen(true)] out ModelSpec? spec, out string error)
    {
        (spec, _, error) = Resolve(requested, ModelRules);
        return spec is not null;
    }

    /// <summary>Resolves a client's reward name or spec without throwing.</summary>
    public bool TryResolveReward(string? requested, [NotNullWhen(true)] out RewardSpec? spec, out string error)
    {
        (spec, var unlisted, error) = Resolve(requested, RewardRules);
        if (unlisted is { Kind: RewardSpecKind.Judge })
        {
            // A judge is a chat model: allowed exactly when its model is, and it runs on the model the name stands for.
            if (!TryResolveModel(unlisted.JudgeModel, out var judge, out error))
            {
                return false;
            }

            spec = unlisted with { JudgeModel = judge.Text };
        }

        return spec is not null;
    }

    private SpecRules<ModelSpec> ModelRules => new(
        "model", "", "model", "; keys come only from the silo's environment", "Agents:Models:Named", ModelSpec.AcceptedForms,
        _named, _configured, () => ModelNames, ModelSpec.TryParse, s => s.Text, s => s.Kind == ModelSpecKind.Sim, _ => null);

    private SpecRules<RewardSpec> RewardRules => new(
        "reward", "reward ", "reward model", "", "Agents:Rewards:Named", RewardSpec.AcceptedForms,
        _namedRewards, _configuredRewards, () => RewardNames, RewardSpec.TryParse, s => s.Text, s => s.Kind == RewardSpecKind.Sim,
        text => text.StartsWith("judge:", StringComparison.OrdinalIgnoreCase) && _named.TryGetValue(text["judge:".Length..].Trim(), out var judgeModel)
            ? new RewardSpec(RewardSpecKind.Judge, text, JudgeModel: judgeModel.Text)
            : null);

    // One resolution for models and rewards: a secret-looking text is refused, a name the silo lists (or an alias of
    // one) stands for its spec, and a valid spec passes when any spec may, when it is the simulation, or when the silo
    // configures it itself. Otherwise the refusal names what the cluster lists; a valid spec that is not listed comes
    // back as Unlisted for the caller's own last rule.
    private (TSpec? Spec, TSpec? Unlisted, string Error) Resolve<TSpec>(string? requested, SpecRules<TSpec> rules)
        where TSpec : class
    {
        var text = requested?.Trim() ?? string.Empty;
        if (SecretText.LooksSecret(text))
        {
            return (null, null, $"{NotAllowed}: the {rules.Noun} spec carries a credential {SecretText.Withheld}{rules.SecretHint}");
        }

        if ((rules.Named.TryGetValue(text, out var listed) ? listed : rules.Alias(text)) is { } named)
        {
            return (named, null, string.Empty);
        }

        var names = string.Join(", ", rules.Names());
        if (!rules.TryParse(text, out var parsed))
        {
            return (null, null, $"{NotAllowed}: {rules.Label}{SecretText.Quote(text)} is neither a {rules.Listed} this cluster lists ({names}) nor a valid spec ({rules.AcceptedForms})");
        }

        if (_any || rules.IsSim(parsed) || rules.Configured.Contains(rules.Text(parsed)))
        {
            return (parsed, null, string.Empty);
        }

        return (null, parsed, $"{NotAllowed}: {rules.Label}{SecretText.Quote(text)} is not one of the {rules.Listed}s this cluster lists ({names}); " +
            $"name one of them, or have the operator add it under {rules.Section} on the silos");
    }

    private delegate bool SpecParser<TSpec>(string? text, [NotNullWhen(true)] out TSpec? spec);

    private sealed record SpecRules<TSpec>(
        string Noun, string Label, string Listed, string SecretHint, string Section, string AcceptedForms,
        Dictionary<string, TSpec> Named, HashSet<string> Configured, Func<IReadOnlyList<string>> Names,
        SpecParser<TSpec> TryParse, Func<TSpec, string> Text, Func<TSpec, bool> IsSim, Func<string, TSpec?> Alias)
        where TSpec : class;
}
