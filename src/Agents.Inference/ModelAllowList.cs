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
        spec = null;
        var text = requested?.Trim() ?? string.Empty;
        if (SecretText.LooksSecret(text))
        {
            error = $"{NotAllowed}: the model spec carries a credential {SecretText.Withheld}; keys come only from the silo's environment";
            return false;
        }

        if (_named.TryGetValue(text, out var named))
        {
            spec = named;
            error = string.Empty;
            return true;
        }

        if (!ModelSpec.TryParse(text, out var parsed))
        {
            error = $"{NotAllowed}: {SecretText.Quote(text)} is neither a model this cluster lists ({string.Join(", ", ModelNames)}) nor a valid spec ({ModelSpec.AcceptedForms})";
            return false;
        }

        if (_any || parsed.Kind == ModelSpecKind.Sim || _configured.Contains(parsed.Text))
        {
            spec = parsed;
            error = string.Empty;
            return true;
        }

        error = $"{NotAllowed}: {SecretText.Quote(text)} is not one of the models this cluster lists ({string.Join(", ", ModelNames)}); " +
            "name one of them, or have the operator add it under Agents:Models:Named on the silos";
        return false;
    }

    /// <summary>Resolves a client's reward name or spec without throwing.</summary>
    public bool TryResolveReward(string? requested, [NotNullWhen(true)] out RewardSpec? spec, out string error)
    {
        spec = null;
        var text = requested?.Trim() ?? string.Empty;
        if (SecretText.LooksSecret(text))
        {
            error = $"{NotAllowed}: the reward spec carries a credential {SecretText.Withheld}";
            return false;
        }

        if (_namedRewards.TryGetValue(text, out var named))
        {
            spec = named;
            error = string.Empty;
            return true;
        }

        if (text.StartsWith("judge:", StringComparison.OrdinalIgnoreCase) && _named.TryGetValue(text["judge:".Length..].Trim(), out var judgeModel))
        {
            spec = new RewardSpec(RewardSpecKind.Judge, text, JudgeModel: judgeModel.Text);
            error = string.Empty;
            return true;
        }

        if (!RewardSpec.TryParse(text, out var parsed))
        {
            error = $"{NotAllowed}: reward {SecretText.Quote(text)} is neither a reward model this cluster lists ({string.Join(", ", RewardNames)}) nor a valid spec ({RewardSpec.AcceptedForms})";
            return false;
        }

        if (_any || parsed.Kind == RewardSpecKind.Sim || _configuredRewards.Contains(parsed.Text))
        {
            spec = parsed;
            error = string.Empty;
            return true;
        }

        if (parsed.Kind == RewardSpecKind.Judge)
        {
            // A judge is a chat model: allowed exactly when its model is, and it runs on the model the name stands for.
            if (!TryResolveModel(parsed.JudgeModel, out var judge, out error))
            {
                return false;
            }

            spec = parsed with { JudgeModel = judge.Text };
            return true;
        }

        error = $"{NotAllowed}: reward {SecretText.Quote(text)} is not one of the reward models this cluster lists ({string.Join(", ", RewardNames)}); " +
            "name one of them, or have the operator add it under Agents:Rewards:Named on the silos";
        return false;
    }
}
