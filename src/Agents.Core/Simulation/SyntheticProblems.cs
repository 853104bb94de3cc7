using System.Globalization;

namespace Agents.Core.Simulation;

/// <summary>
/// Generates the simulated world's multi-step arithmetic word problems (language: <see cref="SyntheticLanguage"/>) and
/// reads them back. Problem i depends only on (seed, i), so a longer list starts with the shorter one.
/// </summary>
public static class SyntheticProblems
{
    /// <summary>The <see cref="Problem.Source"/> of generated problems.</summary>
    public const string Source = "synth";

    /// <summary>The largest running count the generator produces (every intermediate value is in 1..MaxValue).</summary>
    public const int MaxValue = 999;

    /// <summary>The largest running count the parser accepts in a question (guards against overflow).</summary>
    public const long MaxParsedValue = 1_000_000_000;

    /// <summary>
    /// <paramref name="count"/> problems with ids "synth-0001"…, each with a uniform number of steps in
    /// [<paramref name="minSteps"/>, <paramref name="maxSteps"/>]; deterministic by <paramref name="seed"/>.
    /// </summary>
    public static IEnumerable<Problem> Generate(int count, long seed, int minSteps = 2, int maxSteps = 8)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(minSteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSteps, minSteps);
        return GenerateCore(count, seed, minSteps, maxSteps);
    }

    /// <summary>Problem <paramref name="index"/> (0-based) of <see cref="Generate"/>'s sequence, as its structured form.</summary>
    public static SyntheticProblem GenerateOne(long seed, int index, int minSteps = 2, int maxSteps = 8)
    {
        var random = DeterministicRandom.From("synth", seed, index);
        var steps = random.Next(minSteps, maxSteps + 1);
        var name = random.Pick(SyntheticLanguage.Names);
        var items = random.Pick(SyntheticLanguage.Items);
        var start = random.Next(2, 41);
        var operations = ImmutableArray.CreateBuilder<SyntheticOperation>(steps);
        long value = start;
        var feasible = new List<SyntheticOperation>(4);
        for (var i = 0; i < steps; i++)
        {
            feasible.Clear();
            if (value + 1 <= MaxValue)
            {
                var k = random.Next(1, (int)Math.Min(20, MaxValue - value) + 1);
                feasible.Add(new SyntheticOperation(OperationKind.Gain, k, random.Next(0, SyntheticLanguage.GainVerbs.Count)));
            }

            if (value >= 2)
            {
                var k = random.Next(1, (int)Math.Min(20, value - 1) + 1);
                feasible.Add(new SyntheticOperation(OperationKind.Loss, k, random.Next(0, SyntheticLanguage.LossVerbs.Count)));
            }

            if (value * 2 <= MaxValue)
            {
                var k = random.Next(2, (int)Math.Min(5, MaxValue / value) + 1);
                feasible.Add(new SyntheticOperation(OperationKind.Multiply, k));
            }

            var divisors = Enumerable.Range(2, 5).Where(d => value % d == 0).ToArray();
            if (divisors.Length > 0)
            {
                feasible.Add(new SyntheticOperation(OperationKind.Divide, random.Pick(divisors)));
            }

            var operation = random.Pick(feasible);
            operations.Add(operation);
            value = operation.Apply(value);
        }

        return new SyntheticProblem(name, items, start, operations.MoveToImmutable());
    }

    /// <summary>Parses a question of the synthetic language into its start value and operations; null for anything else.</summary>
    public static SyntheticProblem? TryParse(string question) =>
        string.IsNullOrWhiteSpace(question) ? null : SyntheticLanguage.Parse(question);

    /// <summary>The contract record of a structured problem.</summary>
    public static Problem ToProblem(SyntheticProblem problem, int index)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var id = string.Create(CultureInfo.InvariantCulture, $"synth-{index + 1:D4}");
        return new Problem(id, problem.Question, problem.Answer.ToString(CultureInfo.InvariantCulture), Source);
    }

    /// <summary>Whether an operation may follow the running count: positive operands, even divisions, positive bounded results.</summary>
    internal static bool IsValidStep(long value, SyntheticOperation operation)
    {
        if (operation.Operand < 1 || operation.Wording < 0)
        {
            return false;
        }

        if (operation.Kind == OperationKind.Divide && value % operation.Operand != 0)
        {
            return false;
        }

        var next = operation.Apply(value);
        return next is >= 1 and <= MaxParsedValue;
    }

    private static IEnumerable<Problem> GenerateCore(int count, long seed, int minSteps, int maxSteps)
    {
        for (var i = 0; i < count; i++)
        {
            yield return ToProblem(GenerateOne(seed, i, minSteps, maxSteps), i);
        }
    }
}
