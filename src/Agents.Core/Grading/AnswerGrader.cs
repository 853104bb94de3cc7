using Agents.Core.Answers;

namespace Agents.Core.Grading;

/// <summary>The result of grading one response against one gold answer.</summary>
/// <param name="Answer">The answer extracted from the response, or null.</param>
/// <param name="ExtractedBy">The extraction rule that found it (<see cref="Extraction.Rule"/>), or null.</param>
/// <param name="Gold">The gold answer after the same parsing.</param>
/// <param name="GoldExtractedBy">How the gold answer was read (<c>whole</c> for a bare answer).</param>
/// <param name="Correct">Whether the answers are equivalent.</param>
/// <param name="DecidedBy">The equivalence rule that decided (<see cref="Verdict.DecidedBy"/>).</param>
public sealed record GradeOutcome(string? Answer, string? ExtractedBy, string? Gold, string? GoldExtractedBy, bool Correct, string DecidedBy);

/// <summary>A graded pair with both sides after each normalisation step (<c>agents grade --explain</c>).</summary>
/// <param name="Outcome">The grade.</param>
/// <param name="PredictionSteps">The prediction after each step, starting with its extraction.</param>
/// <param name="GoldSteps">The gold answer after each step.</param>
public sealed record GradeExplanation(GradeOutcome Outcome, ImmutableArray<KeyValuePair<string, string>> PredictionSteps, ImmutableArray<KeyValuePair<string, string>> GoldSteps);

/// <summary>
/// The one grading service: extraction of the response (<see cref="AnswerExtractor.ExtractWithRule"/>), the same parsing of
/// the gold answer (<see cref="AnswerExtractor.PrepareStored"/>), and equivalence under a mode
/// (<see cref="AnswerEquivalence.Decide"/>). <c>agents grade</c>, batch rows and the tests all grade through it.
/// </summary>
public static class AnswerGrader
{
    /// <summary>Grades a response (or a bare answer when <paramref name="responseIsBareAnswer"/>) against a stored gold answer.</summary>
    public static GradeOutcome Grade(string? response, string? gold, EquivalenceMode mode = EquivalenceModes.Default, bool responseIsBareAnswer = false)
    {
        var answer = ExtractPrediction(response, responseIsBareAnswer, mode);
        var goldAnswer = AnswerExtractor.PrepareStored(gold);
        if (answer is null)
        {
            return new(null, null, goldAnswer?.Answer, goldAnswer?.Rule, false, "no-answer");
        }

        var verdict = AnswerEquivalence.Decide(answer.Answer, goldAnswer?.Answer, mode);
        return new(answer.Answer, answer.Rule, goldAnswer?.Answer, goldAnswer?.Rule, verdict.Equal, verdict.DecidedBy);
    }

    /// <summary>Grades an answer that was already extracted (a batch row's answer) against a stored gold answer.</summary>
    public static GradeOutcome GradeAnswer(string? answer, string? gold, EquivalenceMode mode = EquivalenceModes.Default)
    {
        var goldAnswer = AnswerExtractor.PrepareStored(gold);
        if (string.IsNullOrWhiteSpace(answer))
        {
            return new(null, null, goldAnswer?.Answer, goldAnswer?.Rule, false, "no-answer");
        }

        var verdict = AnswerEquivalence.Decide(answer, goldAnswer?.Answer, mode);
        return new(answer, "given", goldAnswer?.Answer, goldAnswer?.Rule, verdict.Equal, verdict.DecidedBy);
    }

    /// <summary>The answer of a response (extraction order), or of a bare answer field (kept whole unless it is a solution).</summary>
    /// <remarks>The named reference modes (numeric, hendrycks, prm800k) read only the last box, as their reference code does;
    /// math-verify joins adjacent boxes into one set.</remarks>
    public static Extraction? ExtractPrediction(string? response, bool responseIsBareAnswer, EquivalenceMode mode = EquivalenceModes.Default)
    {
        var answer = responseIsBareAnswer ? AnswerExtractor.PrepareStored(response) : AnswerExtractor.ExtractWithRule(response);
        if (mode != EquivalenceMode.MathVerify && answer is { Rule: "boxed" } && response is not null && AnswerExtractor.LastBoxed(response) is { } last)
        {
            answer = answer with { Answer = last };
        }

        return answer;
    }

    /// <summary>Grades like <see cref="Grade"/> and records both sides after every step.</summary>
    public static GradeExplanation Explain(string? response, string? gold, EquivalenceMode mode = EquivalenceModes.Default, bool responseIsBareAnswer = false)
    {
        var answer = ExtractPrediction(response, responseIsBareAnswer, mode);
        var goldAnswer = AnswerExtractor.PrepareStored(gold);
        var predSteps = new List<(string Step, string Text)>();
        var goldSteps = new List<(string Step, string Text)>();
        predSteps.Add(("extracted (" + (answer?.Rule ?? "none") + ")", answer?.Answer ?? "(no answer)"));
        goldSteps.Add(("extracted (" + (goldAnswer?.Rule ?? "none") + ")", goldAnswer?.Answer ?? "(no gold)"));
        Verdict verdict;
        if (answer is null)
        {
            verdict = new(false, "no-answer");
        }
        else if (mode == EquivalenceMode.MathVerify)
        {
            verdict = MathVerifyEquivalence.Compare(answer.Answer, goldAnswer?.Answer, predSteps, goldSteps);
        }
        else
        {
            verdict = AnswerEquivalence.Decide(answer.Answer, goldAnswer?.Answer, mode);
        }

        var outcome = new GradeOutcome(answer?.Answer, answer?.Rule, goldAnswer?.Answer, goldAnswer?.Rule, verdict.Equal, verdict.DecidedBy);
        return new(outcome, [.. predSteps.Select(s => KeyValuePair.Create(s.Step, s.Text))], [.. goldSteps.Select(s => KeyValuePair.Create(s.Step, s.Text))]);
    }
}
