using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Agents.Core.Answers;
using Agents.Core.Prompts;
using Agents.Core.SelfPlay;

namespace Agents.Core.Simulation;

/// <summary>The simulated model's SPC roles (sneaky generator, step critic, solver continuations); see docs/simulation.md.</summary>
public sealed partial class SimulatedModel
{
    private static readonly decimal[] SubtleOffsets = [-3, -2, -1, 1, 2, 3];

    /// <summary>How a simulated sneaky generator changes a step, by the error type it chose.</summary>
    private enum SneakyKind
    {
        Offset,
        Operand,
        Operation,
    }

    /// <summary>
    /// How subtle a step's error is to the simulated critic, in [0, 1]: 1 for a right operation on the right numbers whose
    /// result is off by at most 3, 0.5 for a result off by more or a misread operand, 0 for anything else (wrong operation,
    /// wrong input value, no equation); 0 as well for a right step.
    /// </summary>
    public static double StepSubtlety(SyntheticProblem problem, int index, string step)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(step);
        if (index < 0 || index >= problem.Steps || SyntheticLanguage.LastEquation(step) is not { } e)
        {
            return 0;
        }

        var values = problem.Values;
        var operation = problem.Operations[index];
        if (e.Left != values[index] || e.Symbol != operation.Symbol)
        {
            return 0;
        }

        if (e.Right != operation.Operand)
        {
            return 0.5;
        }

        var off = Math.Abs(e.Result - values[index + 1]);
        return off == 0 ? 0 : off <= 3 ? 1 : 0.5;
    }

    /// <summary>
    /// SPC step critic: checks the last step against the problem and the partial solution (<see cref="SyntheticProblem.CheckSteps"/>
    /// on all steps); detects a wrong step with probability CriticDetectObvious + (CriticDetectSubtle − CriticDetectObvious)
    /// × <see cref="StepSubtlety"/>, calls a right step wrong with CriticFalseAlarmRate, and omits the verdict tag with
    /// CriticFormatErrorRate. Cannot-solve text for unknown problems.
    /// </summary>
    public string Criticize(string problemText, IReadOnlyList<string> previousSteps, string lastStep, double temperature, long seed)
    {
        ArgumentNullException.ThrowIfNull(previousSteps);
        ArgumentNullException.ThrowIfNull(lastStep);
        var problem = SyntheticProblems.TryParse(problemText);
        if (problem is null)
        {
            return PromptMarkers.CannotSolve;
        }

        var steps = previousSteps.Append(lastStep).Select(StripLabel).ToArray();
        var index = steps.Length - 1;
        var right = problem.CheckSteps(steps)[index];
        var random = RandomFor("critic", problemText + "\u001e" + string.Join("\u001e", steps), temperature, seed);
        var subtlety = right ? 0 : StepSubtlety(problem, index, steps[index]);
        var detect = Options.CriticDetectObvious + ((Options.CriticDetectSubtle - Options.CriticDetectObvious) * subtlety);
        var judgedWrong = right ? random.Chance(Options.CriticFalseAlarmRate) : random.Chance(detect);
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"1. The partial solution tracks how many {problem.Items} {problem.Name} has, one event per step; ")
            .Append(CultureInfo.InvariantCulture, $"{index} step(s) come before the last one.\n2. ");
        var what = index < problem.Steps
            ? SyntheticLanguage.OperationSentence(problem.Name, problem.Items, problem.Operations[index])["Then ".Length..].TrimEnd('.')
            : "the question is already answered";
        var written = SyntheticLanguage.LastEquation(steps[index]) is { } e ? SyntheticLanguage.Equation(e.Left, e.Symbol, e.Right, e.Result) : "no computation";
        if (judgedWrong && index < problem.Steps)
        {
            var values = problem.Values;
            var operation = problem.Operations[index];
            var should = right
                ? Slip(operation, values[index], random)
                : new Equation(values[index], operation.Symbol, operation.Operand, values[index + 1]);
            text.Append(CultureInfo.InvariantCulture, $"The last step handles that {what}, but it should compute {SyntheticLanguage.Equation(should.Left, should.Symbol, should.Right, should.Result)}, not {written}.");
        }
        else if (judgedWrong)
        {
            text.Append(CultureInfo.InvariantCulture, $"The last step goes beyond the problem: {what}.");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"The last step handles that {what} with {written}, consistent with the partial solution.");
        }

        text.Append("\n3. ");
        return random.Chance(Options.CriticFormatErrorRate)
            ? text.Append(judgedWrong ? "The last step looks doubtful." : "The last step looks fine.").ToString()
            : text.Append("The correctness of the last step is ").Append(PromptMarkers.VerdictOpen)
                .Append(judgedWrong ? "Incorrect" : "Correct").Append(PromptMarkers.VerdictClose).Append('.').ToString();
    }

    /// <summary>
    /// SPC sneaky generator: names an error type from the offered ones (with probability SneakySubtlety the subtlest offered:
    /// calculation error (result off by 1–3) before misread number (operand ±1) before wrong operation; otherwise a uniform
    /// choice) and rewrites the correct step with it; with probability SneakyFailRate the rewrite keeps the right equation
    /// (the attack fails to make the step wrong). Cannot-solve text for unknown problems or steps.
    /// </summary>
    public string Sneak(string problemText, IReadOnlyList<string> previousSteps, string correctStep, IReadOnlyList<string> errorTypes, double temperature, long seed)
    {
        ArgumentNullException.ThrowIfNull(previousSteps);
        ArgumentNullException.ThrowIfNull(correctStep);
        ArgumentNullException.ThrowIfNull(errorTypes);
        var problem = SyntheticProblems.TryParse(problemText);
        var index = previousSteps.Count;
        if (problem is null || index >= problem.Steps || errorTypes.Count == 0)
        {
            return PromptMarkers.CannotSolve;
        }

        var random = RandomFor("sneaky", problemText + "\u001e" + string.Join("\u001e", previousSteps) + "\u001e" + correctStep, temperature, seed);
        var step = StripLabel(correctStep);
        var values = problem.Values;
        var operation = problem.Operations[index];
        var left = SyntheticLanguage.LastEquation(step) is { } e ? e.Left : values[index];
        var right = SyntheticLanguage.Compute(left, operation.Symbol, operation.Operand);
        var type = random.Chance(Options.SneakySubtlety)
            ? errorTypes.OrderBy(t => (int)KindOf(t)).First()
            : random.Pick(errorTypes);
        var boxed = AnswerExtractor.LastBoxed(step) is not null;
        string modified;
        string plan;
        if (random.Chance(Options.SneakyFailRate))
        {
            modified = "So " + char.ToLowerInvariant(step[0]) + step[1..];
            plan = "reword the step so that it reads naturally.";
        }
        else
        {
            var equation = KindOf(type) switch
            {
                SneakyKind.Offset => new Equation(left, operation.Symbol, operation.Operand, right + random.Pick(SubtleOffsets)),
                SneakyKind.Operand => MisreadOperand(operation, left, random),
                _ => WrongOperation(operation, left, random),
            };
            if (equation.Result == right)
            {
                equation = equation with { Result = right + 1 };
            }

            modified = SyntheticLanguage.StepText(problem, index, equation.Left, equation.Symbol, equation.Right, equation.Result)
                + (boxed ? string.Create(CultureInfo.InvariantCulture, $"\nThe answer is \\boxed{{{SyntheticLanguage.Number(equation.Result)}}}.") : string.Empty);
            plan = string.Create(CultureInfo.InvariantCulture,
                $"change {SyntheticLanguage.Equation(left, operation.Symbol, operation.Operand, right)} into {SyntheticLanguage.Equation(equation.Left, equation.Symbol, equation.Right, equation.Result)} and keep the wording.");
        }

        return $"{PromptMarkers.SneakyErrorTypeLabel} {type.Trim()}\nPlan: {plan}\n{PromptMarkers.SneakyModifiedStepLabel} {modified}";
    }

    /// <summary>
    /// Solver continuation from given steps: continues from the last step's result (with probability ContinueRecoverRate a
    /// wrong running count is silently recomputed right first), with ordinary slips; writes the remaining steps and the boxed
    /// answer, or only the next step (boxing the answer when it is the last one).
    /// </summary>
    public string Continue(string question, IReadOnlyList<string> steps, bool nextStepOnly, double temperature, long seed)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var problem = SyntheticProblems.TryParse(question);
        if (problem is null)
        {
            return PromptMarkers.CannotSolve;
        }

        var clean = steps.Select(StripLabel).ToArray();
        var random = RandomFor(nextStepOnly ? "next-step" : "continue", question + "\u001e" + string.Join("\u001e", clean), temperature, seed);
        var index = Math.Min(clean.Length, problem.Steps);
        var values = problem.Values;
        decimal value = clean.Length == 0 ? values[0]
            : SyntheticLanguage.LastEquation(clean[^1]) is { } e ? e.Result
            : values[index];
        if (value != values[index] && random.Chance(Options.ContinueRecoverRate))
        {
            value = values[index];
        }

        var slip = Options.SlipProbability(problem.Steps, Greedy(temperature) ? 0 : temperature);
        var text = new StringBuilder();
        var end = nextStepOnly ? Math.Min(index + 1, problem.Steps) : problem.Steps;
        for (var i = index; i < end; i++)
        {
            var operation = problem.Operations[i];
            var (l, symbol, r, result) = random.Chance(slip)
                ? Slip(operation, value, random)
                : new Equation(value, operation.Symbol, operation.Operand, SyntheticLanguage.Compute(value, operation.Symbol, operation.Operand));
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(CultureInfo.InvariantCulture, $"Step {i + 1}: ").Append(SyntheticLanguage.StepText(problem, i, l, symbol, r, result));
            value = result;
        }

        if (end == problem.Steps)
        {
            text.Append(text.Length == 0 ? string.Empty : nextStepOnly ? " " : "\n")
                .Append(CultureInfo.InvariantCulture, $"The answer is \\boxed{{{SyntheticLanguage.Number(value)}}}.");
        }

        return text.ToString();
    }

    private string? AnswerSpc(string user, double temperature, long seed)
    {
        if (SneakyGeneratorPrompt.TryRead(user) is { } sneaky)
        {
            return Sneak(sneaky.Problem, sneaky.PreviousSteps, sneaky.CorrectStep, sneaky.ErrorTypes, temperature, seed);
        }

        if (CriticPrompt.TryRead(user) is { } critic)
        {
            return Criticize(critic.Problem, critic.PreviousSteps, critic.LastStep, temperature, seed);
        }

        return SolverContinuationPrompt.TryRead(user) is { } continuation
            ? Continue(continuation.Question, continuation.Steps, continuation.NextStepOnly, temperature, seed)
            : null;
    }

    private static SneakyKind KindOf(string errorType)
    {
        var t = errorType.ToLowerInvariant();
        return t.Contains("operation", StringComparison.Ordinal) ? SneakyKind.Operation
            : t.Contains("misread", StringComparison.Ordinal) || t.Contains("operand", StringComparison.Ordinal) || t.Contains("number", StringComparison.Ordinal) ? SneakyKind.Operand
            : SneakyKind.Offset;
    }

    private static Equation MisreadOperand(SyntheticOperation operation, decimal left, DeterministicRandom random)
    {
        var operand = operation.Operand + (random.Chance(0.5) ? 1 : -1);
        if (operand < (operation.Kind is OperationKind.Multiply or OperationKind.Divide ? 2 : 1))
        {
            operand = operation.Operand + 1;
        }

        return new Equation(left, operation.Symbol, operand, SyntheticLanguage.Compute(left, operation.Symbol, operand));
    }

    private static Equation WrongOperation(SyntheticOperation operation, decimal left, DeterministicRandom random)
    {
        char[] alternatives = operation.Kind switch
        {
            OperationKind.Gain => ['-', '*'],
            OperationKind.Loss => ['+'],
            OperationKind.Multiply => ['+'],
            _ => ['-', '*'],
        };
        var symbol = random.Pick(alternatives);
        return new Equation(left, symbol, operation.Operand, SyntheticLanguage.Compute(left, symbol, operation.Operand));
    }

    private static string StripLabel(string step) => StepLabelPrefix().Replace(step.Trim(), string.Empty);

    [GeneratedRegex(@"^Step[ \t]+[0-9]+[ \t]*:[ \t]*", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex StepLabelPrefix();
}
