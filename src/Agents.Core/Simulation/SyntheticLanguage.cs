using System.Globalization;
using System.Text.RegularExpressions;

namespace Agents.Core.Simulation;

/// <summary>
/// The fixed English of synthetic problems and of the simulated solver's steps. A question is one line of sentences:
/// <c>"{Name} has {n} {items}."</c>, then one sentence per step —
/// gain <c>"Then {Name} gets|buys|finds {k} more {items}."</c>,
/// loss <c>"Then {Name} gives away|loses|sells {k} {items}."</c>,
/// multiply <c>"Then {Name} swaps each one for a box that holds {k} {items}."</c>,
/// divide <c>"Then {Name} shares the {items} equally among {k} friends and keeps one share."</c> —
/// and finally <c>"How many {items} does {Name} have now?"</c>. A solver step reads
/// <c>"{what happens}: {a} {+|-|*|/} {b} = {c}."</c>.
/// </summary>
public static partial class SyntheticLanguage
{
    /// <summary>The names the generator draws from (the parser accepts any capitalised word).</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["Mia", "Noah", "Ava", "Liam", "Zoe", "Omar", "Lena", "Ravi", "Sara", "Theo", "Ines", "Kofi"];

    /// <summary>The counted things the generator draws from (the parser accepts any lowercase word).</summary>
    public static IReadOnlyList<string> Items { get; } =
        ["apples", "marbles", "stickers", "pencils", "cookies", "shells", "coins", "books", "stamps", "cards"];

    /// <summary>Verbs of a gain, indexed by <see cref="SyntheticOperation.Wording"/>.</summary>
    public static IReadOnlyList<string> GainVerbs { get; } = ["gets", "buys", "finds"];

    /// <summary>Verbs of a loss, indexed by <see cref="SyntheticOperation.Wording"/>.</summary>
    public static IReadOnlyList<string> LossVerbs { get; } = ["gives away", "loses", "sells"];

    internal static string StartSentence(string name, long start, string items) =>
        $"{name} has {start.ToString(CultureInfo.InvariantCulture)} {items}.";

    internal static string AskSentence(string name, string items) => $"How many {items} does {name} have now?";

    internal static string OperationSentence(string name, string items, SyntheticOperation operation)
    {
        var k = operation.Operand.ToString(CultureInfo.InvariantCulture);
        return operation.Kind switch
        {
            OperationKind.Gain => $"Then {name} {GainVerbs[operation.Wording]} {k} more {items}.",
            OperationKind.Loss => $"Then {name} {LossVerbs[operation.Wording]} {k} {items}.",
            OperationKind.Multiply => $"Then {name} swaps each one for a box that holds {k} {items}.",
            OperationKind.Divide => $"Then {name} shares the {items} equally among {k} friends and keeps one share.",
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };
    }

    /// <summary>What the solver writes for step <paramref name="index"/> with the equation it computed.</summary>
    internal static string StepText(SyntheticProblem problem, int index, decimal left, char symbol, long right, decimal result)
    {
        var operation = problem.Operations[index];
        var k = operation.Operand.ToString(CultureInfo.InvariantCulture);
        var what = operation.Kind switch
        {
            OperationKind.Gain => $"{problem.Name} {GainVerbs[operation.Wording]} {k} more {problem.Items}",
            OperationKind.Loss => $"{problem.Name} {LossVerbs[operation.Wording]} {k} {problem.Items}",
            OperationKind.Multiply => $"Each one becomes a box of {k} {problem.Items}",
            OperationKind.Divide => $"{problem.Name} keeps one of {k} equal shares",
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };
        return $"{what}: {Equation(left, symbol, right, result)}.";
    }

    internal static string Equation(decimal left, char symbol, long right, decimal result) =>
        $"{Number(left)} {symbol} {right.ToString(CultureInfo.InvariantCulture)} = {Number(result)}";

    /// <summary>A count as the solver writes it: an integer, or a decimal with at most two places.</summary>
    internal static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    internal static char SymbolOf(OperationKind kind) => kind switch
    {
        OperationKind.Gain => '+',
        OperationKind.Loss => '-',
        OperationKind.Multiply => '*',
        OperationKind.Divide => '/',
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// Evaluates "a op b" as the solver does; an uneven division (only after an earlier slip) gives a decimal rounded to
    /// two places, so a wrong count never silently turns right again.
    /// </summary>
    internal static decimal Compute(decimal left, char symbol, long right) => symbol switch
    {
        '+' => left + right,
        '-' => left - right,
        '*' => left * right,
        '/' when right != 0 => Math.Round(left / right, 2, MidpointRounding.AwayFromZero),
        _ => throw new ArgumentOutOfRangeException(nameof(symbol)),
    };

    /// <summary>The last "a op b = c" equation in a step, normalising ×, ÷ and −; null when there is none.</summary>
    internal static Equation? LastEquation(string text)
    {
        var matches = EquationPattern().Matches(text);
        for (var i = matches.Count - 1; i >= 0; i--)
        {
            var m = matches[i];
            const NumberStyles signedDecimal = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;
            if (decimal.TryParse(m.Groups["a"].Value.Replace('−', '-'), signedDecimal, CultureInfo.InvariantCulture, out var a)
                && long.TryParse(m.Groups["b"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                && decimal.TryParse(m.Groups["c"].Value.Replace('−', '-'), signedDecimal, CultureInfo.InvariantCulture, out var c))
            {
                var symbol = m.Groups["op"].Value[0] switch
                {
                    '×' => '*',
                    '÷' => '/',
                    '−' => '-',
                    var s => s,
                };
                return new Equation(a, symbol, b, c);
            }
        }

        return null;
    }

    internal static SyntheticProblem? Parse(string question)
    {
        var sentences = SentenceBreak().Split(question.Trim());
        if (sentences.Length < 3)
        {
            return null;
        }

        var start = StartPattern().Match(sentences[0]);
        var ask = AskPattern().Match(sentences[^1]);
        if (!start.Success || !ask.Success || !int.TryParse(start.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var startValue))
        {
            return null;
        }

        var name = start.Groups["name"].Value;
        var items = start.Groups["items"].Value;
        if (ask.Groups["name"].Value != name || ask.Groups["items"].Value != items || startValue <= 0)
        {
            return null;
        }

        var operations = ImmutableArray.CreateBuilder<SyntheticOperation>(sentences.Length - 2);
        long value = startValue;
        for (var i = 1; i < sentences.Length - 1; i++)
        {
            var operation = ParseOperation(sentences[i], name, items);
            if (operation is null || !SyntheticProblems.IsValidStep(value, operation))
            {
                return null;
            }

            value = operation.Apply(value);
            operations.Add(operation);
        }

        return new SyntheticProblem(name, items, startValue, operations.MoveToImmutable());
    }

    private static SyntheticOperation? ParseOperation(string sentence, string name, string items)
    {
        var m = OperationPattern().Match(sentence);
        if (!m.Success || m.Groups["name"].Value != name || m.Groups["items"].Value != items
            || !int.TryParse(m.Groups["k"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var k))
        {
            return null;
        }

        if (m.Groups["gain"].Success)
        {
            return new SyntheticOperation(OperationKind.Gain, k, IndexOf(GainVerbs, m.Groups["gain"].Value));
        }

        if (m.Groups["loss"].Success)
        {
            return new SyntheticOperation(OperationKind.Loss, k, IndexOf(LossVerbs, m.Groups["loss"].Value));
        }

        return new SyntheticOperation(m.Groups["mul"].Success ? OperationKind.Multiply : OperationKind.Divide, k);
    }

    private static int IndexOf(IReadOnlyList<string> verbs, string verb)
    {
        for (var i = 0; i < verbs.Count; i++)
        {
            if (verbs[i] == verb)
            {
                return i;
            }
        }

        return -1;
    }

    [GeneratedRegex(@"(?<=[.?])\s+", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex SentenceBreak();

    [GeneratedRegex(@"^(?<name>[A-Z][a-z]+) has (?<n>[0-9]+) (?<items>[a-z]+)\.$", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex StartPattern();

    [GeneratedRegex(@"^How many (?<items>[a-z]+) does (?<name>[A-Z][a-z]+) have now\?$", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex AskPattern();

    [GeneratedRegex(
        @"^Then (?<name>[A-Z][a-z]+) (?:(?<gain>gets|buys|finds) (?<k>[0-9]+) more (?<items>[a-z]+)" +
        @"|(?<loss>gives away|loses|sells) (?<k>[0-9]+) (?<items>[a-z]+)" +
        @"|(?<mul>swaps) each one for a box that holds (?<k>[0-9]+) (?<items>[a-z]+)" +
        @"|(?<div>shares) the (?<items>[a-z]+) equally among (?<k>[0-9]+) friends and keeps one share)\.$", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex OperationPattern();

    [GeneratedRegex(@"(?<a>[-−]?[0-9]+(?:\.[0-9]+)?)\s*(?<op>[-+*/×÷−])\s*(?<b>[0-9]+)\s*=\s*(?<c>[-−]?[0-9]+(?:\.[0-9]+)?)(?!\.?[0-9])", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex EquationPattern();
}

/// <summary>An equation "Left Symbol Right = Result" read from a step.</summary>
internal readonly record struct Equation(decimal Left, char Symbol, long Right, decimal Result);
