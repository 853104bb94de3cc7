using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Agents.Core.Answers;
using Agents.Core.Instructing;
using Agents.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Agents.Core.Simulation;

/// <summary>The simulated model's IoRT roles (Meta-Thinker, Reflector, Instructor); see docs/simulation.md.</summary>
public sealed partial class SimulatedModel
{
    /// <summary>
    /// Meta-Thinker: a generic plan for a question of the synthetic language, naming the kinds of events it has but no
    /// number; the cannot-solve text for anything else. Deterministic.
    /// </summary>
    public static string MetaThink(string question)
    {
        var problem = SyntheticProblems.TryParse(question);
        if (problem is null)
        {
            return PromptMarkers.CannotSolve;
        }

        var clauses = problem.Operations.Select(o => o.Kind).Distinct().Select(kind => kind switch
        {
            OperationKind.Gain => "add what is gained",
            OperationKind.Loss => "subtract what is given away, lost or sold",
            OperationKind.Multiply => "multiply by the box size when each one becomes a box",
            _ => "divide by the number of equal shares when they are shared",
        });
        return $"Track how many {problem.Items} {problem.Name} has: start from the amount given, apply each event in the order it "
            + $"happens ({string.Join("; ", clauses)}), one step per event, and report the count left at the end.";
    }

    /// <summary>
    /// Reflector critique: checks the solution's steps; finds the first real error with probability CritiqueDetectRate (the
    /// reviewer's sentence for it), and on a correct solution claims with probability CritiqueFalseAlarmRate that a random
    /// right step is wrong; otherwise says that all steps are correct.
    /// </summary>
    public string Critique(string question, string solution, double temperature, long seed)
    {
        var problem = SyntheticProblems.TryParse(question);
        if (problem is null || solution is null)
        {
            return PromptMarkers.CannotSolve;
        }

        var (steps, _) = ReadSteps(solution);
        var firstWrong = FirstError(problem, steps, solution);
        var random = RandomFor("critique", question + "\u001e" + solution, temperature, seed);
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"1. Plausibility: the answer should be a whole number of {problem.Items}.\n")
            .Append("2. Step check: ");
        if (firstWrong >= 0)
        {
            return random.Chance(Options.CritiqueDetectRate)
                ? text.Append(Review(question, solution)).ToString()
                : text.Append(NoProblem).ToString();
        }

        if (!random.Chance(Options.CritiqueFalseAlarmRate))
        {
            return text.Append(NoProblem).ToString();
        }

        var flagged = random.Next(0, problem.Steps);
        var values = problem.Values;
        var operation = problem.Operations[flagged];
        var claimed = Slip(operation, values[flagged], random);
        var sentence = SyntheticLanguage.OperationSentence(problem.Name, problem.Items, operation)["Then ".Length..].TrimEnd('.');
        return text.Append(CultureInfo.InvariantCulture,
                $"Step {flagged + 1} is incorrect: {sentence}, so it should be {SyntheticLanguage.Equation(claimed.Left, claimed.Symbol, claimed.Right, claimed.Result)}, ")
            .Append(CultureInfo.InvariantCulture, $"not {SyntheticLanguage.Equation(values[flagged], operation.Symbol, operation.Operand, values[flagged + 1])}.")
            .ToString();
    }

    /// <summary>
    /// Reflector revision after "Here's the better answer:": with no step flagged by the critique the solution is repeated
    /// unchanged; a flagged step that is the first real error is fixed with probability ReviseFixRate (else it slips again
    /// there); a flagged right step is broken with probability OvercorrectRate (else the solution is kept).
    /// </summary>
    public string Revise(string question, string solution, string critique, double temperature, long seed)
    {
        var problem = SyntheticProblems.TryParse(question);
        if (problem is null || solution is null || critique is null)
        {
            return PromptMarkers.CannotSolve;
        }

        var (steps, _) = ReadSteps(solution);
        var firstWrong = FirstError(problem, steps, solution);
        var flagged = FlaggedStep(critique, steps.Count);
        var random = RandomFor("revise", question + "\u001e" + solution + "\u001e" + critique, temperature, seed);
        var slip = Options.SlipProbability(problem.Steps, Greedy(temperature) ? 0 : temperature);
        string revised;
        if (flagged < 0)
        {
            revised = solution.Trim();
        }
        else if (flagged == firstWrong || (firstWrong >= problem.Steps && flagged >= problem.Steps))
        {
            revised = firstWrong >= problem.Steps || random.Chance(Options.ReviseFixRate)
                ? WriteChain(problem, Math.Min(firstWrong, problem.Steps), 0, forceSlip: false, random, mayForget: false)
                : WriteChain(problem, firstWrong, slip, forceSlip: true, random, mayForget: false);
        }
        else
        {
            revised = random.Chance(Options.OvercorrectRate)
                ? WriteChain(problem, Math.Min(flagged, problem.Steps - 1), slip, forceSlip: true, random, mayForget: false)
                : solution.Trim();
        }

        return $"{PromptMarkers.BetterAnswerLead}\n{revised}";
    }

    /// <summary>
    /// Instructor: checks each numbered response (its steps and boxed answer against the problem), getting the verdict right
    /// with probability InstructorCheckAccuracy (…WithoutMetaThought when the prompt has none). Select picks the response
    /// judged sound (a coin flip when both or neither are); stop-or-refresh refreshes with RefreshOnErrorRate when the basic
    /// response is judged wrong and RefreshWhenSoundRate otherwise.
    /// </summary>
    public string Instruct(string question, string metaThought, IReadOnlyList<NumberedResponse> responses, bool select, double temperature, long seed)
    {
        ArgumentNullException.ThrowIfNull(responses);
        var problem = SyntheticProblems.TryParse(question);
        if (problem is null || responses.Count < 2)
        {
            return PromptMarkers.CannotSolve;
        }

        var hasMeta = !string.IsNullOrWhiteSpace(metaThought) && metaThought.Trim() != PromptMarkers.NoMetaThought;
        var accuracy = hasMeta ? Options.InstructorCheckAccuracy : Options.InstructorCheckAccuracyWithoutMetaThought;
        var random = RandomFor("instruct", question + "\u001e" + string.Join("\u001e", responses.Select(r => r.Text)) + "\u001e" + select, temperature, seed);
        var (a, b) = (responses[0], responses[1]);
        var soundA = Judge(problem, a.Text, accuracy, random, out var noteA);
        var text = new StringBuilder();
        if (select)
        {
            var soundB = Judge(problem, b.Text, accuracy, random, out var noteB);
            text.Append(CultureInfo.InvariantCulture, $"CoT {a.Number}: {noteA}\nCoT {b.Number}: {noteB}\n");
            var pick = soundA != soundB ? (soundA ? a : b) : (random.Chance(0.5) ? a : b);
            text.Append(soundA == soundB
                    ? "Both responses look equally sound against the meta-thought.\n"
                    : string.Create(CultureInfo.InvariantCulture, $"CoT {pick.Number} follows the meta-thought correctly.\n"))
                .Append(CultureInfo.InvariantCulture, $"{PromptMarkers.BetterCot} {pick.Number}");
            return text.ToString();
        }

        var refresh = random.Chance(soundA ? Options.RefreshWhenSoundRate : Options.RefreshOnErrorRate);
        return text.Append(CultureInfo.InvariantCulture, $"Both responses answer the same. CoT {a.Number}: {noteA}\n")
            .Append(refresh ? PromptMarkers.DecisionRefresh : PromptMarkers.DecisionStop).ToString();
    }

    private const string NoProblem = "All steps are correct; the answer needs no change.";

    // The IoRT prompts, recognised by their instructions (PromptMarkers); null when the request is not one of them.
    private string? AnswerIort(IReadOnlyList<ChatMessage> messages, string user, double temperature, long seed)
    {
        if (user.Contains(PromptMarkers.InstructorSelectInstruction, StringComparison.Ordinal)
            || user.Contains(PromptMarkers.InstructorAgreementInstruction, StringComparison.Ordinal))
        {
            var select = user.Contains(PromptMarkers.InstructorSelectInstruction, StringComparison.Ordinal);
            var body = user[..user.IndexOf(select ? PromptMarkers.InstructorSelectInstruction : PromptMarkers.InstructorAgreementInstruction, StringComparison.Ordinal)];
            var question = Section(body, PromptMarkers.Question);
            var meta = Section(body, PromptMarkers.MetaThought);
            var responses = CotHeadingLine().Matches(body)
                .Select(m => new NumberedResponse(int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture), ReadSection(body, m.Index + m.Length)))
                .ToList();
            return Instruct(question, meta, responses, select, temperature, seed);
        }

        var critiqueAt = messages.ToList().FindLastIndex(m => m.Role == ChatRole.User && m.Text.Contains(PromptMarkers.CritiqueRequest, StringComparison.Ordinal));
        if (critiqueAt >= 0)
        {
            var request = messages[critiqueAt].Text;
            var body = request[..request.LastIndexOf(PromptMarkers.CritiqueRequest, StringComparison.Ordinal)];
            var question = Section(body, PromptMarkers.Question);
            var solution = Section(body, PromptMarkers.AnswerUnderReflection);
            if (user.Contains(PromptMarkers.ReviseInstruction, StringComparison.Ordinal))
            {
                var critique = messages.Skip(critiqueAt + 1).FirstOrDefault(m => m.Role == ChatRole.Assistant)?.Text ?? string.Empty;
                return Revise(question, solution, critique, temperature, seed);
            }

            return messages[critiqueAt].Text == user
                ? Critique(question, solution, temperature, seed)
                : null;
        }

        if (messages.Any(m => m.Text.Contains(PromptMarkers.MetaThinkerInstruction, StringComparison.Ordinal)))
        {
            var at = user.LastIndexOf(PromptMarkers.Question, StringComparison.Ordinal);
            return at < 0 ? PromptMarkers.CannotSolve : MetaThink(ReadSection(user, at + PromptMarkers.Question.Length));
        }

        return null;
    }

    // The first heading's section in the text, or empty.
    private static string Section(string text, string heading)
    {
        var at = text.IndexOf(heading, StringComparison.Ordinal);
        return at < 0 ? string.Empty : ReadSection(text, at + heading.Length);
    }

    // The first wrong step (0-based) as the refiner finds it: a wrong step, or the missing step / missing boxed answer; −1 when right.
    private static int FirstError(SyntheticProblem problem, IReadOnlyList<string> steps, string solution)
    {
        var firstWrong = FirstWrong(problem.CheckSteps(steps));
        if (firstWrong < 0 && (steps.Count < problem.Steps || !AnswerIsRight(problem, solution)))
        {
            firstWrong = Math.Min(steps.Count, problem.Steps);
        }

        return firstWrong;
    }

    // The 0-based step a critique flags ("Step k is incorrect/missing", "Step k computes correctly, but", "no steps",
    // "does not state its final count"), or −1 when it flags none.
    private static int FlaggedStep(string critique, int stepCount)
    {
        var match = FlaggedStepText().Match(critique);
        if (match.Success)
        {
            return int.Parse(match.Groups["k"].Value, CultureInfo.InvariantCulture) - 1;
        }

        if (critique.Contains("has no steps", StringComparison.Ordinal))
        {
            return 0;
        }

        return critique.Contains("does not state its final count", StringComparison.Ordinal) ? stepCount : -1;
    }

    // The Instructor's noisy check of one response, with a note for its reason.
    private static bool Judge(SyntheticProblem problem, string response, double accuracy, DeterministicRandom random, out string note)
    {
        var (steps, _) = ReadSteps(response);
        var firstWrong = FirstError(problem, steps, response);
        var sound = firstWrong < 0;
        var judged = random.Chance(accuracy) ? sound : !sound;
        var shown = firstWrong >= 0 ? firstWrong : random.Next(0, problem.Steps);
        note = judged
            ? "its steps follow the meta-thought and each computation checks out."
            : string.Create(CultureInfo.InvariantCulture, $"Step {shown + 1} does not check out against the meta-thought.");
        return judged;
    }

    [GeneratedRegex(@"^### CoT (?<n>[0-9]{1,6}):", RegexOptions.Multiline, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex CotHeadingLine();

    [GeneratedRegex(@"Step (?<k>[0-9]{1,4}) (?:is incorrect|is missing|computes correctly, but)", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex FlaggedStepText();
}
