using System.ComponentModel.DataAnnotations;

namespace Agents.Core.SelfRefine;

/// <summary>Self-Refine parameters (ALGORITHMS §4.5), adapted to natural-language CoT with a boxed answer.</summary>
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
}
