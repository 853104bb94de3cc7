using System.Text.Json.Nodes;

namespace Agents.Api.Gateway;

/// <summary>
/// The <c>agents</c> object a gateway response carries beside OpenAI's fields: strategy, run id, rounds, samples, calls
/// by role, MAgICoRe's statistics and their source, and where the transcript is served.
/// </summary>
public static class AgentsExtension
{
    /// <summary>The object for a finished request; totals sum every choice's run.</summary>
    public static JsonObject For(GatewayPlan plan, IReadOnlyList<ChoiceResult> choices)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(choices);
        var byRole = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in choices.SelectMany(c => c.Result.Ledger))
        {
            byRole[line.Role] = byRole.GetValueOrDefault(line.Role) + line.Usage.Calls;
        }

        var result = new JsonObject
        {
            ["strategy"] = plan.Spec.Name,
            ["base_model"] = plan.Model.Base,
            ["k"] = plan.Spec.K,
            ["seed"] = plan.Spec.Seed,
            ["run"] = plan.Id,
            ["answer"] = choices.Count > 0 ? choices[0].Result.Answer : null,
            ["rounds"] = choices.Count > 0 ? choices[0].Result.Rounds : 0,
            ["samples"] = choices.Sum(c => c.Result.Usage.Samples),
            ["calls"] = choices.Sum(c => c.Result.Usage.Calls),
            ["calls_by_role"] = new JsonObject([.. byRole.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value))]),
            ["trace"] = choices.Count > 0 ? choices[0].Trace : null,
        };
        if (plan.Stats is { } stats)
        {
            result["stats"] = new JsonObject { ["mu"] = stats.Mean, ["sigma"] = stats.StdDev, ["source"] = stats.Source };
        }

        if (choices.Count > 1)
        {
            result["choices"] = new JsonArray([.. choices.Select(c => (JsonNode)new JsonObject
            {
                ["index"] = c.Index,
                ["answer"] = c.Result.Answer,
                ["rounds"] = c.Result.Rounds,
                ["samples"] = c.Result.Usage.Samples,
                ["trace"] = c.Trace,
            })]);
        }

        return result;
    }
}
