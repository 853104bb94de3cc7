using System.Text;
using Agents.Core.Answers;

namespace Agents.Core.Simulation;

/// <summary>What one step of a synthetic problem does to the running count.</summary>
public enum OperationKind
{
    /// <summary>"Then Mia buys 5 more apples." (adds the operand).</summary>
    Gain,

    /// <summary>"Then Mia gives away 3 apples." (subtracts the operand).</summary>
    Loss,

    /// <summary>"Then Mia swaps each one for a box that holds 4 apples." (multiplies by the operand).</summary>
    Multiply,

    /// <summary>"Then Mia shares the apples equally among 3 friends and keeps one share." (divides evenly).</summary>
    Divide,
}

/// <summary>One step of a synthetic problem: an operation, its operand, and which of the operation's verbs words it.</summary>
/// <param name="Kind">The operation.</param>
/// <param name="Operand">The positive integer operand.</param>
/// <param name="Wording">Index of the verb used for gains and losses (see <see cref="SyntheticLanguage"/>); 0 otherwise.</param>
public sealed record SyntheticOperation(OperationKind Kind, int Operand, int Wording = 0)
{
    /// <summary>The arithmetic symbol the solver writes for this operation.</summary>
    public char Symbol => SyntheticLanguage.SymbolOf(Kind);

    /// <summary>Applies the operation to a count (a division is integer division; valid problems only divide evenly).</summary>
    public long Apply(long value) => Kind switch
    {
        OperationKind.Gain => value + Operand,
        OperationKind.Loss => value - Operand,
        OperationKind.Multiply => value * Operand,
        _ => value / Operand,
    };
}

/// <summary>
/// A multi-step arithmetic word problem of the simulated world's fixed language (see <see cref="SyntheticLanguage"/>):
/// a start count, then one operation per step; difficulty is the number of steps.
/// </summary>
/// <param name="Name">The person, a capitalised word.</param>
/// <param name="Items">The counted things, a lowercase plural noun.</param>
/// <param name="Start">The count the person starts with.</param>
/// <param name="Operations">The steps in order.</param>
public sealed record SyntheticProblem(string Name, string Items, int Start, ImmutableArray<SyntheticOperation> Operations)
{
    /// <summary>Difficulty: the number of operations, each solved in one step.</summary>
    public int Steps => Operations.Length;

    /// <summary>The running count before the first step and after each step (length <see cref="Steps"/> + 1).</summary>
    public IReadOnlyList<long> Values
    {
        get
        {
            var values = new long[Operations.Length + 1];
            values[0] = Start;
            for (var i = 0; i < Operations.Length; i++)
            {
                values[i + 1] = Operations[i].Apply(values[i]);
            }

            return values;
        }
    }

    /// <summary>The final count: the problem's answer.</summary>
    public long Answer => Values[^1];

    /// <summary>The question text in the fixed language; <see cref="SyntheticProblems.TryParse"/> reads it back.</summary>
    public string Question
    {
        get
        {
            var text = new StringBuilder(SyntheticLanguage.StartSentence(Name, Start, Items));
            foreach (var operation in Operations)
            {
                text.Append(' ').Append(SyntheticLanguage.OperationSentence(Name, Items, operation));
            }

            return text.Append(' ').Append(SyntheticLanguage.AskSentence(Name, Items)).ToString();
        }
    }

    /// <summary>The correct text of step <paramref name="index"/> (without its "Step n:" label).</summary>
    public string CorrectStep(int index)
    {
        var values = Values;
        var operation = Operations[index];
        return SyntheticLanguage.StepText(this, index, values[index], operation.Symbol, operation.Operand, values[index + 1]);
    }

    /// <summary>
    /// Judges the steps of a solution against the problem: step i is right when its (last) equation is exactly
    /// "v(i) op(i) operand(i) = v(i+1)" with the true running counts, and any <c>\boxed{}</c> in it holds the true answer;
    /// steps beyond the problem's are right only when they contain no equation and no wrong boxed answer.
    /// </summary>
    public IReadOnlyList<bool> CheckSteps(IReadOnlyList<string> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var values = Values;
        var verdicts = new bool[steps.Count];
        for (var i = 0; i < steps.Count; i++)
        {
            var text = steps[i];
            var boxed = AnswerExtractor.LastBoxed(text);
            var boxedOk = boxed is null || (long.TryParse(boxed.Trim(), out var b) && b == Answer);
            var equation = SyntheticLanguage.LastEquation(text);
            if (i < Operations.Length)
            {
                var op = Operations[i];
                verdicts[i] = boxedOk && equation is { } e && e.Left == values[i] && e.Symbol == op.Symbol
                    && e.Right == op.Operand && e.Result == values[i + 1];
            }
            else
            {
                verdicts[i] = boxedOk && equation is null;
            }
        }

        return verdicts;
    }

    /// <summary>Value equality including the operations' contents.</summary>
    public bool Equals(SyntheticProblem? other) =>
        other is not null && Name == other.Name && Items == other.Items && Start == other.Start
        && Operations.SequenceEqual(other.Operations);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name);
        hash.Add(Items);
        hash.Add(Start);
        foreach (var operation in Operations)
        {
            hash.Add(operation);
        }

        return hash.ToHashCode();
    }
}
