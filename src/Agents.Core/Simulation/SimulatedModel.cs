using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Agents.Core.Answers;
using Agents.Core.Prompts;
using Agents.Core.Refining;
using Agents.Core.SelfRefine;
using Agents.Core.Solving;
using Microsoft.Extensions.AI;

namespace Agents.Core.Simulation;

/// <summary>
/// A fallible model of the simulated world: it recognises the project's role prompts by <see cref="PromptMarkers"/>,
/// parses the synthetic problem (and any solution) in them, and answers like a model that slips with the rates of
/// <see cref="SimulationOptions"/>. Greedy calls (temperature 0) depend only on the prompt; sampled calls on
/// (prompt, temperature, seed). Anything outside the synthetic language gets <see cref="PromptMarkers.CannotSolve"/>.
/// Thread-safe (stateless).
/// </summary>
public sealed partial class SimulatedModel(SimulationOptions? options = null)
{
    private static readonly decimal[] ArithmeticSlips = [-3, -2, -1, 1, 2, 3, -10, 10];

    /// <summary>
    /// The reviewer's closing sentence for a solution it judges correct as a whole: the only reviewer text with Self-Refine's
    /// stop phrase "it is correct", so the loop stops exactly when every step is right and the answer is boxed.
    /// </summary>
    public const string WholeSolutionCorrect = "All steps are right and the answer is boxed, so it is correct; the solution needs no change.";

    /// <summary>The rates this model uses.</summary>
    public SimulationOptions Options { get; } = options ?? SimulationOptions.Default;

    /// <summary>
    /// Answers one chat request: a solver, reviewer or refiner prompt, an IoRT Meta-Thinker, Reflector or Instructor
    /// prompt, or an SPC sneaky-generator, critic or solver-continuation prompt; anything else gets the cannot-solve text. When the
    /// last message is an assistant prefill (e.g. "Step 1:") that the answer starts with, only the continuation is returned.
    /// </summary>
    public string Complete(IReadOnlyList<ChatMessage> messages, double temperature, long seed)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = Answer(messages, temperature, seed);
        var prefill = messages.Count > 0 && messages[^1].Role == ChatRole.Assistant ? messages[^1].Text.Trim() : string.Empty;
        return prefill.Length > 0 && text.StartsWith(prefill, StringComparison.Ordinal) ? text[prefill.Length..] : text;
    }

    private string Answer(IReadOnlyList<ChatMessage> messages, double temperature, long seed)
    {
        var all = string.Join("\n", messages.Select(m => m.Text));
        var solutionAt = all.LastIndexOf(PromptMarkers.CurrentSolution, StringComparison.Ordinal);
        if (solutionAt >= 0)
        {
            var question = ReadQuestion(all, solutionAt);
            var solution = ReadSection(all, solutionAt + PromptMarkers.CurrentSolution.Length);
            var feedbackAt = all.IndexOf(PromptMarkers.TeacherFeedback, solutionAt, StringComparison.Ordinal);
            if (feedbackAt < 0 && messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text.Contains(PromptMarkers.FeedbackThenRewrite, StringComparison.Ordinal) == true)
            {
                return FeedbackAndRewrite(question, solution, temperature, seed);
            }

            return feedbackAt >= 0
                ? Refine(question, solution, temperature, seed, ReadSection(all, feedbackAt + PromptMarkers.TeacherFeedback.Length))
                : ReadSteps(solution).Scores.Any(s => s is not null)
                    ? Review(question, solution)
                    : SelfReview(question, solution, temperature, seed);
        }

        var user = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? all;
        if (AnswerSpc(user, temperature, seed) is { } spc)
        {
            return spc;
        }

        if (AnswerIort(messages, user, temperature, seed) is { } iort)
        {
            return iort;
        }

        var solverQuestion = SolverPrompt.TryReadQuestion(user);
        return solverQuestion is null ? PromptMarkers.CannotSolve : Solve(solverQuestion, temperature, seed);
    }

    /// <summary>
    /// Self-Refine's one-call round: the same feedback <see cref="SelfReview"/> writes, then, unless it says the solution
    /// is correct, the revised-solution heading and the rewrite <see cref="Refine"/> writes from that feedback.
    /// </summary>
    public string FeedbackAndRewrite(string question, string solution, double temperature, long seed)
    {
        var feedback = SelfReview(question, solution, temperature, seed);
        if (feedback == PromptMarkers.CannotSolve || SelfRefineRules.ShouldStop(feedback))
        {
            return feedback;
        }

        return $"{feedback.TrimEnd()}\n\n{RefinerPrompt.RevisedSolutionHeading}\n{Refine(question, solution, temperature, seed, feedback)}";
    }

    /// <summary>Writes a solver chain "Step 1: …\nStep n: …\nThe answer is \boxed{N}." with slips; cannot-solve text for unknown questions.</summary>
    public string Solve(string question, double temperature, long seed)
    {
        var problem = SyntheticProblems.TryParse(question);
        if (problem is null)
        {
            return PromptMarkers.CannotSolve;
        }

        var random = RandomFor("solve", question, temperature, seed);
        var slip = Options.SlipProbability(problem.Steps, Greedy(temperature) ? 0 : temperature);
        return WriteChain(problem, 0, slip, forceSlip: false, random, mayForget: true);
    }

    /// <summary>
    /// Feedback on a solution that carries no step scores (Self-Refine's self-review): without a process reward model to
    /// point at the weak step the model is a self-critic, so it finds a real error with CritiqueDetectRate and on a correct
    /// solution raises a false alarm with CritiqueFalseAlarmRate (the same rates as IoRT's reflector critique); otherwise it
    /// says the solution is correct ("it is correct", Self-Refine's stop phrase).
    /// </summary>
    public string SelfReview(string question, string solution, double temperature, long seed)
    {
        var problem = SyntheticProblems.TryParse(question);
        if (problem is null || solution is null)
        {
            return PromptMarkers.CannotSolve;
        }

        var (steps, _) = ReadSteps(solution);
        var random = RandomFor("self-review", question + "\u001e" + solution, temperature, seed);
        if (FirstError(problem, steps, solution) >= 0)
        {
            return random.Chance(Options.CritiqueDetectRate) ? Review(question, solution) : WholeSolutionCorrect;
        }

        if (!random.Chance(Options.CritiqueFalseAlarmRate))
        {
            return WholeSolutionCorrect;
        }

        var flagged = random.Next(0, problem.Steps);
        var operation = problem.Operations[flagged];
        var claimed = Slip(operation, problem.Values[flagged], random);
        var sentence = SyntheticLanguage.OperationSentence(problem.Name, problem.Items, operation)["Then ".Length..].TrimEnd('.');
        return string.Create(CultureInfo.InvariantCulture,
            $"Step {flagged + 1} is incorrect: {sentence}, so it should be {SyntheticLanguage.Equation(claimed.Left, claimed.Symbol, claimed.Right, claimed.Result)}.");
    }

    /// <summary>
    /// Reviewer feedback: checks every step against the problem and points at the first wrong one in words
    /// ("Step k is incorrect: … should be …"), noting the lowest-scored step; never writes a new solution.
    /// </summary>
    public static string Review(string question, string solution)
    {
        var problem = SyntheticProblems.TryParse(question);
        if (problem is null || solution is null)
        {
            return PromptMarkers.CannotSolve;
        }

        var (steps, scores) = ReadSteps(solution);
        var verdicts = problem.CheckSteps(steps);
        var values = problem.Values;
        var feedback = new StringBuilder();
        var firstWrong = FirstWrong(verdicts);
        var last = firstWrong < 0 ? steps.Count : firstWrong;
        for (var i = 0; i < last && i < problem.Steps; i++)
        {
            feedback.Append(CultureInfo.InvariantCulture, $"Step {i + 1} is correct").Append(ScoreNote(scores[i], high: true)).AppendLine(".");
        }

        var lowest = LowestScored(scores);
        if (lowest >= 0 && lowest < verdicts.Count && verdicts[lowest] && lowest != firstWrong && scores[lowest] < 6)
        {
            feedback.AppendLine(CultureInfo.InvariantCulture, $"Step {lowest + 1} has the lowest score ({scores[lowest]}/10), yet the step itself is right.");
        }

        if (firstWrong >= 0 && firstWrong < problem.Steps && EquationIsRight(problem, firstWrong, steps[firstWrong]))
        {
            // The arithmetic is right; only the final answer stated in the step is not (an early or wrong conclusion).
            var missing = steps.Count < problem.Steps && firstWrong == steps.Count - 1;
            feedback.AppendLine(missing
                ? string.Create(CultureInfo.InvariantCulture, $"Step {firstWrong + 1} computes correctly, but the solution stops there; Step {firstWrong + 2} is missing and should be {NextEquation(problem, firstWrong + 1)}.")
                : string.Create(CultureInfo.InvariantCulture, $"Step {firstWrong + 1} computes correctly, but the final count it states is wrong; it should be {SyntheticLanguage.Number(problem.Answer)}."));
        }
        else if (firstWrong >= 0 && firstWrong < problem.Steps)
        {
            var operation = problem.Operations[firstWrong];
            var should = SyntheticLanguage.Equation(values[firstWrong], operation.Symbol, operation.Operand, values[firstWrong + 1]);
            var written = SyntheticLanguage.LastEquation(steps[firstWrong]) is { } e
                ? $"not {SyntheticLanguage.Equation(e.Left, e.Symbol, e.Right, e.Result)}"
                : "but the step computes nothing";
            var sentence = SyntheticLanguage.OperationSentence(problem.Name, problem.Items, operation)["Then ".Length..].TrimEnd('.');
            feedback.Append(CultureInfo.InvariantCulture, $"Step {firstWrong + 1} is incorrect: {sentence}, so it should be {should}, {written}")
                .Append(ScoreNote(scores[firstWrong], high: false)).AppendLine(".");
            if (firstWrong + 1 < problem.Steps)
            {
                feedback.AppendLine(CultureInfo.InvariantCulture, $"The steps after Step {firstWrong + 1} build on its value and must be recomputed.");
            }
        }
        else if (firstWrong >= problem.Steps)
        {
            feedback.AppendLine(CultureInfo.InvariantCulture, $"Step {firstWrong + 1} is incorrect: the problem has only {problem.Steps} steps, so it should be removed.");
        }
        else if (steps.Count < problem.Steps)
        {
            var should = NextEquation(problem, steps.Count);
            feedback.AppendLine(steps.Count == 0
                ? $"The solution has no steps; Step 1 should be {should}."
                : string.Create(CultureInfo.InvariantCulture, $"The solution stops after Step {steps.Count}; Step {steps.Count + 1} is missing and should be {should}."));
        }
        else if (!AnswerIsRight(problem, solution))
        {
            feedback.AppendLine("All steps are correct, but the solution does not state its final count in a box; it should end by boxing the last result.");
        }
        else
        {
            feedback.AppendLine(WholeSolutionCorrect);
        }

        return feedback.ToString().TrimEnd();
    }

    /// <summary>
    /// Refiner: finds the first wrong step by checking against the problem; with probability RefineFixRate rewrites from
    /// there correctly, otherwise slips again there and redoes the rest with ordinary slips. A correct solution is kept,
    /// except that with probability RefineBreakRate a slip is introduced at a random step.
    /// </summary>
    public string Refine(string question, string solution, double temperature, long seed, string? feedback = null)
    {
        var problem = SyntheticProblems.TryParse(question);
        if (problem is null || solution is null)
        {
            return PromptMarkers.CannotSolve;
        }

        var (steps, _) = ReadSteps(solution);
        var verdicts = problem.CheckSteps(steps);
        var firstWrong = FirstWrong(verdicts);
        if (firstWrong < 0 && (steps.Count < problem.Steps || !AnswerIsRight(problem, solution)))
        {
            firstWrong = Math.Min(steps.Count, problem.Steps);
        }

        if (feedback is not null && RefineFromFeedback(problem, steps, firstWrong, feedback, temperature, seed, solution) is { } followed)
        {
            return followed;
        }

        var random = RandomFor("refine", question + "\u001e" + solution, temperature, seed);
        var slip = Options.SlipProbability(problem.Steps, Greedy(temperature) ? 0 : temperature);
        if (firstWrong < 0)
        {
            return random.Chance(Options.RefineBreakRate)
                ? WriteChain(problem, random.Next(0, problem.Steps), slip, forceSlip: true, random, mayForget: false)
                : WriteChain(problem, problem.Steps, slip, forceSlip: false, random, mayForget: false);
        }

        if (firstWrong >= problem.Steps)
        {
            return WriteChain(problem, problem.Steps, slip, forceSlip: false, random, mayForget: false);
        }

        return random.Chance(Options.RefineFixRate)
            ? WriteChain(problem, firstWrong, 0, forceSlip: false, random, mayForget: false)
            : WriteChain(problem, firstWrong, slip, forceSlip: true, random, mayForget: false);
    }

    // The refiner acts on what the feedback locates: a real error it names is fixed (RefineFixRate, as without feedback);
    // a right step it calls wrong is "fixed" into a wrong one with OvercorrectRate; feedback that finds nothing, or names a
    // step after the real error, leaves the solution as it is. Null means the feedback located the first real error.
    private string? RefineFromFeedback(
        SyntheticProblem problem, IReadOnlyList<string> steps, int firstWrong, string feedback, double temperature, long seed, string solution)
    {
        var claim = ClaimedStep().Match(feedback);
        var claimed = claim.Success ? int.Parse(claim.Groups["n"].Value, CultureInfo.InvariantCulture) - 1 : -1;
        var locatesReal = firstWrong >= 0 && (claimed == firstWrong || (!claim.Success && LocatesMissing(feedback)));
        if (locatesReal)
        {
            return null;
        }

        var random = RandomFor("refine-feedback", problem.Question + "\u001e" + solution + "\u001e" + feedback, temperature, seed);
        var falseAlarm = claimed >= 0 && claimed < problem.Steps && (firstWrong < 0 || claimed < firstWrong);
        if (falseAlarm && random.Chance(Options.OvercorrectRate))
        {
            var slip = Options.SlipProbability(problem.Steps, Greedy(temperature) ? 0 : temperature);
            return WriteChain(problem, claimed, slip, forceSlip: true, random, mayForget: false);
        }

        return string.Join("\n", steps.Select((text, i) => string.Create(CultureInfo.InvariantCulture, $"Step {i + 1}: {text}")));
    }

    private static bool LocatesMissing(string feedback) =>
        feedback.Contains("is missing", StringComparison.Ordinal) || feedback.Contains("does not state", StringComparison.Ordinal)
        || feedback.Contains("has no steps", StringComparison.Ordinal) || feedback.Contains("should be removed", StringComparison.Ordinal)
        || feedback.Contains("final count it states is wrong", StringComparison.Ordinal);

    [GeneratedRegex(@"Step (?<n>\d+) is incorrect", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex ClaimedStep();

    /// <summary>
    /// Simulated process reward model: checks each step against the problem (see <see cref="SyntheticProblem.CheckSteps"/>),
    /// flips the verdict with PrmMissRate / PrmFalseAlarmRate, and scores a step judged right about PrmRightScore
    /// (above 0.5) and one judged wrong about 1 − PrmRightScore (below 0.5). Unknown questions score PrmUnknownScore.
    /// </summary>
    public IReadOnlyList<double> ScoreSteps(string question, IReadOnlyList<string> steps, long seed)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var problem = SyntheticProblems.TryParse(question);
        if (problem is null)
        {
            return [.. steps.Select(_ => Options.PrmUnknownScore)];
        }

        var clean = steps.Select(s => ScoreAnnotation().Replace(s, string.Empty)).ToArray();
        var verdicts = problem.CheckSteps(clean);
        var random = DeterministicRandom.From("prm", question, string.Join("\u001e", clean), seed);
        var scores = new double[clean.Length];
        for (var i = 0; i < clean.Length; i++)
        {
            var judgedRight = verdicts[i] ? !random.Chance(Options.PrmFalseAlarmRate) : random.Chance(Options.PrmMissRate);
            var noise = random.NextGaussian() * Options.PrmScoreNoise;
            scores[i] = judgedRight
                ? Math.Clamp(Options.PrmRightScore + noise, 0.51, 0.99)
                : Math.Clamp(1 - Options.PrmRightScore + noise, 0.01, 0.49);
        }

        return scores;
    }

    private string WriteChain(SyntheticProblem problem, int from, double slip, bool forceSlip, DeterministicRandom random, bool mayForget)
    {
        var values = problem.Values;
        var text = new StringBuilder();
        for (var i = 0; i < from; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"Step {i + 1}: ").AppendLine(problem.CorrectStep(i));
        }

        decimal value = values[from];
        for (var i = from; i < problem.Steps; i++)
        {
            var operation = problem.Operations[i];
            var slips = (forceSlip && i == from) || random.Chance(slip);
            var (left, symbol, right, result) = slips
                ? Slip(operation, value, random)
                : new Equation(value, operation.Symbol, operation.Operand, SyntheticLanguage.Compute(value, operation.Symbol, operation.Operand));
            text.Append(CultureInfo.InvariantCulture, $"Step {i + 1}: ")
                .AppendLine(SyntheticLanguage.StepText(problem, i, left, symbol, right, result));
            value = result;
        }

        var answer = SyntheticLanguage.Number(value);
        return mayForget && random.Chance(Options.ForgetAnswerRate)
            ? text.Append(CultureInfo.InvariantCulture, $"So {problem.Name} has {answer} {problem.Items} now.").ToString()
            : text.Append(CultureInfo.InvariantCulture, $"The answer is \\boxed{{{answer}}}.").ToString();
    }

    // Half of slips are arithmetic errors, a quarter use the wrong operation, a quarter misread the operand; the
    // result always differs from the right computation on the (possibly already wrong) input.
    private static Equation Slip(SyntheticOperation operation, decimal value, DeterministicRandom random)
    {
        var right = SyntheticLanguage.Compute(value, operation.Symbol, operation.Operand);
        var kind = random.NextDouble();
        Equation slipped;
        if (kind < 0.5)
        {
            slipped = new Equation(value, operation.Symbol, operation.Operand, right + random.Pick(ArithmeticSlips));
        }
        else if (kind < 0.75)
        {
            slipped = WrongOperation(operation, value, random);
        }
        else
        {
            var operand = operation.Operand + (random.Chance(0.5) ? 1 : -1);
            if (operand < (operation.Kind is OperationKind.Multiply or OperationKind.Divide ? 2 : 1))
            {
                operand = operation.Operand + 1;
            }

            slipped = new Equation(value, operation.Symbol, operand, SyntheticLanguage.Compute(value, operation.Symbol, operand));
        }

        return slipped.Result == right ? slipped with { Result = right + 1 } : slipped;
    }

    private static bool Greedy(double temperature) => temperature <= 0;

    private static bool EquationIsRight(SyntheticProblem problem, int index, string step)
    {
        var values = problem.Values;
        var operation = problem.Operations[index];
        return SyntheticLanguage.LastEquation(step) == new Equation(values[index], operation.Symbol, operation.Operand, values[index + 1]);
    }

    private static string NextEquation(SyntheticProblem problem, int index)
    {
        var values = problem.Values;
        var operation = problem.Operations[index];
        return SyntheticLanguage.Equation(values[index], operation.Symbol, operation.Operand, values[index + 1]);
    }

    private static DeterministicRandom RandomFor(string role, string key, double temperature, long seed) =>
        Greedy(temperature) ? DeterministicRandom.From(role, key, "greedy") : DeterministicRandom.From(role, key, temperature, seed);

    private static bool AnswerIsRight(SyntheticProblem problem, string solution) =>
        AnswerExtractor.LastBoxed(solution) is { } boxed && long.TryParse(boxed.Trim(), out var n) && n == problem.Answer;

    private static int FirstWrong(IReadOnlyList<bool> verdicts)
    {
        for (var i = 0; i < verdicts.Count; i++)
        {
            if (!verdicts[i])
            {
                return i;
            }
        }

        return -1;
    }

    private static int LowestScored(IReadOnlyList<int?> scores)
    {
        var lowest = -1;
        for (var i = 0; i < scores.Count; i++)
        {
            if (scores[i] is { } s && (lowest < 0 || s < scores[lowest]!.Value))
            {
                lowest = i;
            }
        }

        return lowest;
    }

    private static string ScoreNote(int? score, bool high) => score switch
    {
        null => string.Empty,
        { } s when high => string.Create(CultureInfo.InvariantCulture, $", and the score of {s} reflects it"),
        { } s => string.Create(CultureInfo.InvariantCulture, $"; the score of {s} suggests an error in this step"),
    };

    // The solution's steps without their "(Score: n/10)" annotations, and the annotated scores (null where absent).
    private static (IReadOnlyList<string> Steps, IReadOnlyList<int?> Scores) ReadSteps(string solution)
    {
        var parsed = SolutionParser.Parse(solution);
        var steps = new List<string>(parsed.Steps.Length);
        var scores = new List<int?>(parsed.Steps.Length);
        foreach (var step in parsed.Steps)
        {
            var match = ScoreAnnotation().Match(step.Text);
            scores.Add(match.Success && int.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null);
            steps.Add(ScoreAnnotation().Replace(step.Text, string.Empty).Trim());
        }

        return (steps, scores);
    }

    // The question of the target block: the last "### Question:" before the solution heading, up to the next heading.
    private static string ReadQuestion(string text, int solutionAt)
    {
        var at = text.LastIndexOf(PromptMarkers.Question, solutionAt, StringComparison.Ordinal);
        return at < 0 ? string.Empty : ReadSection(text[..solutionAt], at + PromptMarkers.Question.Length);
    }

    private static string ReadSection(string text, int start)
    {
        var end = NextHeading().Match(text, start);
        return (end.Success ? text[start..end.Index] : text[start..]).Trim();
    }

    [GeneratedRegex(@"^###[ \t]", RegexOptions.Multiline, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex NextHeading();

    [GeneratedRegex(@"[ \t]*\(Score:[ \t]*(?<n>[0-9]+)(?:\.[0-9]+)?[ \t]*/[ \t]*10\)", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex ScoreAnnotation();
}
