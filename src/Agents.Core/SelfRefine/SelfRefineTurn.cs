namespace Agents.Core.SelfRefine;

/// <summary>One completed Self-Refine round: the solution that was reviewed, the feedback, and the rewrite that replaced it.</summary>
/// <param name="Solution">The solution shown to the feedback call.</param>
/// <param name="Feedback">The feedback (it did not say "it is correct").</param>
/// <param name="Rewrite">The rewritten solution, which became the next current solution.</param>
public sealed record SelfRefineTurn(string Solution, string Feedback, string Rewrite);
