using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Agents.Core.Prompts;

namespace Agents.Inference.Rewards;

/// <summary>What <see cref="JudgePrompt.Parse"/> read from a judge's reply.</summary>
/// <param name="StepScores">One score per requested step, in [0, 1]; the neutral score where the reply gave none.</param>
/// <param name="Outcome">The overall score in [0, 1]; the neutral score when the reply gave none.</param>
/// <param name="Failures">Scores the reply did not give (or gave out of range): each missing step and a missing overall count one.</param>
public sealed record JudgeVerdict(ImmutableArray<double> StepScores, double Outcome, int Failures);

/// <summary>
/// The generative judge's prompt and reply parser. The reply format asked for is one line per step <c>Step n: SCORE</c>
/// and a line <c>Overall: SCORE</c>. Scores are read leniently: <c>0.8</c>, <c>.8</c>, <c>80%</c>, <c>8/10</c>, <c>8</c>
/// (numbers above 1 up to 10 are read as tenths), also after a word ending in "score" (<c>Step 2: correct, score 0.9</c>);
/// a number followed by an arithmetic operator (an echoed equation) is not a score. The first score of a step wins; a step
/// or overall score that is missing or outside the scale counts one failure and takes the neutral score. Never throws.
/// </summary>
public static partial class JudgePrompt
{
    /// <summary>
    /// The chat messages asking for a score per step (when <paramref name="steps"/> is non-null; template <c>judge.steps</c>)
    /// or for the final answer only (<c>judge.outcome</c>), after the system message <c>judge.system</c>.
    /// </summary>
    public static IList<ChatMessage> Build(PromptTemplates templates, string question, IReadOnlyList<string>? steps, string chain)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(chain);
        var user = steps is { Count: > 0 }
            ? templates.Render(
                "judge.steps",
                ("step_count", steps.Count.ToString(CultureInfo.InvariantCulture)),
                ("score_lines", string.Join("\n", steps.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"Step {i + 1}: SCORE")))),
                ("question", question.Trim()),
                ("solution", string.Join("\n", steps.Select((step, i) => string.Create(CultureInfo.InvariantCulture, $"[Step {i + 1}]\n{step.Trim()}")))))
            : templates.Render("judge.outcome", ("question", question.Trim()), ("solution", chain.Trim()));
        return [new ChatMessage(ChatRole.System, templates.Render("judge.system")), new ChatMessage(ChatRole.User, user.TrimEnd())];
    }

    /// <summary>Reads <paramref name="stepCount"/> step scores and the overall score from a reply; never throws.</summary>
    public static JudgeVerdict Parse(string? reply, int stepCount, bool wantsOutcome, double neutral)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        var steps = new double?[stepCount];
        double? outcome = null;
        foreach (var line in (reply ?? string.Empty).Split('\n'))
        {
            var step = StepLine().Match(line);
            if (step.Success)
            {
                if (int.TryParse(step.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                    && n >= 1 && n <= stepCount && steps[n - 1] is null)
                {
                    steps[n - 1] = Score(step);
                }

                continue;
            }

            var overall = OverallLine().Match(line);
            if (overall.Success && outcome is null)
            {
                outcome = Score(overall);
            }
        }

        var failures = steps.Count(s => s is null) + (wantsOutcome && outcome is null ? 1 : 0);
        return new JudgeVerdict([.. steps.Select(s => s ?? neutral)], outcome ?? neutral, failures);
    }

    // A score on the 0-1 scale, or null when the number is outside every accepted scale.
    private static double? Score(Match match)
    {
        if (!double.TryParse(match.Groups["num"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        var den = match.Groups["den"];
        double? score = den.Success
            ? value / double.Parse(den.Value, CultureInfo.InvariantCulture)
            : match.Groups["pct"].Success ? value / 100
            : value <= 1 ? value
            : value <= 10 ? value / 10
            : null;
        return score is >= 0 and <= 1 ? score : null;
    }

    private const string ScorePattern =
        @"[ \t]*(?:[^\d\n]*?\bscore\b[ \t]*(?:is|of|=|:)?[ \t]*)?(?<num>(?>\d+(?:\.\d+)?|\.\d+))(?:[ \t]*/[ \t]*(?<den>10|100|1)\b|(?<pct>%))?(?![ \t]*[-+*×x=/][ \t]*\d)";

    [GeneratedRegex(@"^[\W_]*step[ \t]*(?<n>\d+)[ \t]*\**[ \t]*[:=\-–—][\*]*" + ScorePattern, RegexOptions.IgnoreCase, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex StepLine();

    [GeneratedRegex(@"^[\W_]*(?:overall|final|outcome|answer)(?:[ \t]+(?:score|answer))?[ \t]*\**[ \t]*[:=\-–—][\*]*" + ScorePattern, RegexOptions.IgnoreCase, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex OverallLine();
}
