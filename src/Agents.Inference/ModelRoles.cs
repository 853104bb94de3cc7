namespace Agents.Inference;

/// <summary>The keys of the keyed <see cref="IChatClient"/> services, one per agent role.</summary>
public static class ModelRoles
{
    /// <summary>The solver samples candidate solutions.</summary>
    public const string Solver = "solver";

    /// <summary>The reviewer writes targeted feedback (MAgICoRe).</summary>
    public const string Reviewer = "reviewer";

    /// <summary>The refiner revises a solution from feedback.</summary>
    public const string Refiner = "refiner";

    /// <summary>The instructor steers IoRT's reflection loop.</summary>
    public const string Instructor = "instructor";

    /// <summary>The critic judges steps (SPC).</summary>
    public const string Critic = "critic";

    /// <summary>The sneaky generator writes subtly wrong steps (SPC).</summary>
    public const string SneakyGenerator = "sneaky-generator";

    /// <summary>Every role, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } = [Solver, Reviewer, Refiner, Instructor, Critic, SneakyGenerator];
}
