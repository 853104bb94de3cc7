using System.ComponentModel.DataAnnotations;

namespace Agents.Core.SelfRefine;

/// <summary>How a Self-Refine round calls the model.</summary>
public enum SelfRefineForm
{
    /// <summary>One completion per round: the feedback, then the rewrite (the official GSM loop; the default).</summary>
    OneCall,

    /// <summary>A feedback call, then a rewrite call only when the feedback did not say "it is correct".</summary>
    TwoCalls,
}

/// <summary>Self-Refine parameters (docs/algorithms.md), adapted to natural-language CoT with a boxed answer.</summary>
public sealed record SelfRefineOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "SelfRefine";

    /// <summary>The defaults of the official GSM task.</summary>
    public static SelfRefineOptions Default { get; } = new();

    /// <summary>Feedback/refine rounds at most (<c>max_attempts</c>).</summary>
    [Range(0, 100)]
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Independent Self-Refine runs per problem; their final answers are majority-voted when more than one.</summary>
    [Range(1, 1000)]
    public int Samples { get; init; } = 1;

    /// <summary>Temperature of the initial solution (greedy in the original).</summary>
    [Range(0.0, 2.0)]
    public double InitialTemperature { get; init; }

    /// <summary>Temperature of the feedback and refine calls.</summary>
    [Range(0.0, 2.0)]
    public double FeedbackTemperature { get; init; } = 0.7;

    /// <summary>Maximum tokens of the initial solution.</summary>
    [Range(1, 100_000)]
    public int InitialMaxTokens { get; init; } = 300;

    /// <summary>Maximum tokens of the feedback and refine calls.</summary>
    [Range(1, 100_000)]
    public int FeedbackMaxTokens { get; init; } = 600;

    /// <summary>One call per round (the official loop) or a feedback call and a rewrite call.</summary>
    public SelfRefineForm Form { get; init; } = SelfRefineForm.OneCall;

    /// <summary>The name of a form as recorded and as the <c>form</c> option takes it: <c>one-call</c> or <c>two-call</c>.</summary>
    public static string FormName(SelfRefineForm form) => form == SelfRefineForm.TwoCalls ? "two-call" : "one-call";

    /// <summary>Parses a form name; null or empty is the default (one call).</summary>
    public static SelfRefineForm ParseForm(string? name) => name switch
    {
        null or "" or "one-call" => SelfRefineForm.OneCall,
        "two-call" => SelfRefineForm.TwoCalls,
        _ => throw new ArgumentException($"self-refine form must be one-call or two-call, got '{name}'", nameof(name)),
    };
}
