using System.ComponentModel.DataAnnotations;

namespace Agents.Inference;

/// <summary>Which model each agent role uses: a default spec and optional per-role overrides.</summary>
public sealed class ModelOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Agents:Models";

    /// <summary>The spec used by every role without an override (see <see cref="ModelSpec.AcceptedForms"/>).</summary>
    [Required]
    public string Default { get; set; } = "sim";

    /// <summary>The solver's spec, or null for <see cref="Default"/>.</summary>
    public string? Solver { get; set; }

    /// <summary>The reviewer's spec, or null for <see cref="Default"/>.</summary>
    public string? Reviewer { get; set; }

    /// <summary>The refiner's spec, or null for <see cref="Default"/>.</summary>
    public string? Refiner { get; set; }

    /// <summary>The instructor's spec, or null for <see cref="Default"/>.</summary>
    public string? Instructor { get; set; }

    /// <summary>The critic's spec, or null for <see cref="Default"/>.</summary>
    public string? Critic { get; set; }

    /// <summary>The sneaky generator's spec, or null for <see cref="Default"/>.</summary>
    public string? SneakyGenerator { get; set; }

    /// <summary>
    /// Models clients may name (<c>Agents:Models:Named:NAME = SPEC</c>): a client sends the name, the silo runs the spec. With
    /// the default, role and hosted specs they form the silo's allow-list (<see cref="ModelAllowList"/>).
    /// </summary>
    public Dictionary<string, string> Named { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether any valid spec a client sends is run. Only for a silo whose client is its operator: the CLI's embedded silo
    /// sets it (its command line is its configuration); a silo that serves other clients must not.
    /// </summary>
    public bool AllowClientSpecs { get; set; }

    /// <summary>The transport timeout of HTTP backends.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The spec configured for a role (one of <see cref="ModelRoles"/>), falling back to <see cref="Default"/>.</summary>
    public string SpecFor(string role)
    {
        var specific = role switch
        {
            ModelRoles.Solver => Solver,
            ModelRoles.Reviewer => Reviewer,
            ModelRoles.Refiner => Refiner,
            ModelRoles.Instructor => Instructor,
            ModelRoles.Critic => Critic,
            ModelRoles.SneakyGenerator => SneakyGenerator,
            _ => null,
        };
        return string.IsNullOrWhiteSpace(specific) ? Default : specific;
    }

    /// <summary>The first spec that does not parse, or null when all do.</summary>
    public string? FirstInvalidSpec() =>
        ModelRoles.All.Select(SpecFor).Prepend(Default).Concat(Named.Values).FirstOrDefault(spec => !ModelSpec.TryParse(spec, out _));
}
