using Agents.Core.Answers;
using Agents.Core.Prompts;
using Agents.Core.Refining;
using Agents.Core.Solving;
using Microsoft.Extensions.AI;

namespace Agents.Core.SelfRefine;

/// <summary>The kind of call a Self-Refine run makes.</summary>
public enum SelfRefineCall
{
    /// <summary>The initial solution (the solver prompt).</summary>
    Initial,

    /// <summary>Feedback on the current solution.</summary>
    Feedback,

    /// <summary>The rewrite using the feedback.</summary>
    Refine,

    /// <summary>The one-call round: feedback, then the rewrite.</summary>
    FeedbackAndRewrite,
}

/// <summary>The outcome of one Self-Refine run.</summary>
/// <param name="Solution">The final solution text (the last rewrite, or the initial solution).</param>
/// <param name="Answer">Its extracted answer.</param>
/// <param name="History">The completed rounds, in order.</param>
/// <param name="StoppedByFeedback">True when a feedback said "it is correct" before the attempts ran out.</param>
/// <param name="Calls">Model calls made (1 + one per round, or 1 + feedback calls + refine calls in the two-call form).</param>
public sealed record SelfRefineResult(
    string Solution,
    string? Answer,
    ImmutableArray<SelfRefineTurn> History,
    bool StoppedByFeedback,
    int Calls);

/// <summary>A pure, synchronous reference implementation of one Self-Refine run (docs/algorithms.md), for tests and as the grains' specification.</summary>
public static class SelfRefineProcess
{
    /// <summary>
    /// Runs initial solution, then up to <see cref="SelfRefineOptions.MaxAttempts"/> rounds of feedback (stop on
    /// "it is correct") and rewrite: one call per round, or two in <see cref="SelfRefineForm.TwoCalls"/>. <paramref name="generate"/> gets the prompt, the call kind and the round (0 for the
    /// initial call) and returns the reply text. Prompts are rendered with <paramref name="templates"/>.
    /// </summary>
    public static SelfRefineResult Run(
        PromptTemplates templates,
        string question,
        SelfRefineOptions options,
        Func<IList<ChatMessage>, SelfRefineCall, int, string> generate)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(generate);
        var current = generate(SolverPrompt.Build(templates, question), SelfRefineCall.Initial, 0).Trim();
        var calls = 1;
        var history = ImmutableArray.CreateBuilder<SelfRefineTurn>();
        var stopped = false;
        for (var round = 1; round <= options.MaxAttempts; round++)
        {
            if (options.Form == SelfRefineForm.OneCall)
            {
                var reply = SelfRefineReply.Parse(generate(SelfRefinePrompt.BuildCombined(templates, question, history, current), SelfRefineCall.FeedbackAndRewrite, round));
                calls++;
                if (SelfRefineRules.ShouldStop(reply.Feedback))
                {
                    stopped = true;
                    break;
                }

                // A reply without a rewrite leaves the solution as it was; the round still cost its call.
                var next = reply.Rewrite ?? current;
                history.Add(new SelfRefineTurn(current, reply.Feedback, next));
                current = next;
                continue;
            }

            var feedback = ReviewParser.Parse(
                generate(SelfRefinePrompt.BuildFeedback(templates, question, history, current), SelfRefineCall.Feedback, round)).Feedback;
            calls++;
            if (SelfRefineRules.ShouldStop(feedback))
            {
                stopped = true;
                break;
            }

            var rewrite = RefinementParser.Clean(
                generate(SelfRefinePrompt.BuildRefine(templates, question, history, current, feedback), SelfRefineCall.Refine, round));
            calls++;
            history.Add(new SelfRefineTurn(current, feedback, rewrite));
            current = rewrite;
        }

        return new SelfRefineResult(current, AnswerExtractor.Extract(current), history.ToImmutable(), stopped, calls);
    }
}
