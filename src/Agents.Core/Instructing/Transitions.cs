namespace Agents.Core.Instructing;

/// <summary>
/// The 2×2 table of correctness before and after refinement (docs/algorithms.md §2.7): counts of correct→correct, correct→incorrect,
/// incorrect→correct and incorrect→incorrect; fractions are of the pairs with both sides known.
/// </summary>
/// <param name="CorrectToCorrect">Right before and after.</param>
/// <param name="CorrectToIncorrect">Right before, wrong after (drift).</param>
/// <param name="IncorrectToCorrect">Wrong before, right after (a fix).</param>
/// <param name="IncorrectToIncorrect">Wrong before and after (stubborn).</param>
/// <param name="Skipped">Pairs with an unknown (ungraded) side, left out of every fraction.</param>
public sealed record TransitionTable(int CorrectToCorrect, int CorrectToIncorrect, int IncorrectToCorrect, int IncorrectToIncorrect, int Skipped)
{
    /// <summary>Pairs with both sides known.</summary>
    public int Total => CorrectToCorrect + CorrectToIncorrect + IncorrectToCorrect + IncorrectToIncorrect;

    /// <summary>correct→correct / total (0 when empty).</summary>
    public double CorrectToCorrectRate => Share(CorrectToCorrect);

    /// <summary>correct→incorrect / total, the paper's "drift" (0 when empty).</summary>
    public double CorrectToIncorrectRate => Share(CorrectToIncorrect);

    /// <summary>incorrect→correct / total (0 when empty).</summary>
    public double IncorrectToCorrectRate => Share(IncorrectToCorrect);

    /// <summary>incorrect→incorrect / total (0 when empty).</summary>
    public double IncorrectToIncorrectRate => Share(IncorrectToIncorrect);

    /// <summary>Accuracy before: (c→c + c→i) / total.</summary>
    public double AccuracyBefore => Share(CorrectToCorrect + CorrectToIncorrect);

    /// <summary>Accuracy after: (c→c + i→c) / total.</summary>
    public double AccuracyAfter => Share(CorrectToCorrect + IncorrectToCorrect);

    private double Share(int count) => Total == 0 ? 0 : (double)count / Total;
}

/// <summary>How often the Instructor issued each instruction (copied-forward iterations are not decisions).</summary>
/// <param name="Select">Select decisions.</param>
/// <param name="Stop">Stop decisions.</param>
/// <param name="Refresh">Refresh decisions.</param>
public sealed record InstructionShares(int Select, int Stop, int Refresh)
{
    /// <summary>All decisions.</summary>
    public int Total => Select + Stop + Refresh;

    /// <summary>Select / total (0 when empty).</summary>
    public double SelectShare => Total == 0 ? 0 : (double)Select / Total;

    /// <summary>Stop / total (0 when empty).</summary>
    public double StopShare => Total == 0 ? 0 : (double)Stop / Total;

    /// <summary>Refresh / total (0 when empty).</summary>
    public double RefreshShare => Total == 0 ? 0 : (double)Refresh / Total;
}

/// <summary>Transition tables, per-iteration accuracy and instruction shares for any iterative strategy (docs/algorithms.md §2.7).</summary>
public static class Transitions
{
    /// <summary>The table of (first, final) correctness pairs; a pair with a null side is counted as skipped.</summary>
    public static TransitionTable Compute(IReadOnlyList<(bool? FirstCorrect, bool? FinalCorrect)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        int cc = 0, ci = 0, ic = 0, ii = 0, skipped = 0;
        foreach (var (first, final) in pairs)
        {
            switch (first, final)
            {
                case (true, true): cc++; break;
                case (true, false): ci++; break;
                case (false, true): ic++; break;
                case (false, false): ii++; break;
                default: skipped++; break;
            }
        }

        return new TransitionTable(cc, ci, ic, ii, skipped);
    }

    /// <summary>
    /// One table per step i→i+1 of per-problem correctness sequences (index 0 = the initial response); problems with shorter
    /// sequences are skipped for the steps they lack.
    /// </summary>
    public static ImmutableArray<TransitionTable> PerIteration(IReadOnlyList<IReadOnlyList<bool?>> correctnessByIteration)
    {
        ArgumentNullException.ThrowIfNull(correctnessByIteration);
        var length = correctnessByIteration.Count == 0 ? 0 : correctnessByIteration.Max(s => s.Count);
        var tables = ImmutableArray.CreateBuilder<TransitionTable>(Math.Max(0, length - 1));
        for (var i = 0; i + 1 < length; i++)
        {
            var step = i;
            tables.Add(Compute([.. correctnessByIteration.Select(s => s.Count > step + 1 ? (s[step], s[step + 1]) : ((bool?)null, (bool?)null))]));
        }

        return tables.MoveToImmutable();
    }

    /// <summary>Accuracy at each index of per-problem correctness sequences, over the problems known (non-null) at that index (0 when none).</summary>
    public static ImmutableArray<double> AccuracyByIteration(IReadOnlyList<IReadOnlyList<bool?>> correctnessByIteration)
    {
        ArgumentNullException.ThrowIfNull(correctnessByIteration);
        var length = correctnessByIteration.Count == 0 ? 0 : correctnessByIteration.Max(s => s.Count);
        var accuracy = ImmutableArray.CreateBuilder<double>(length);
        for (var i = 0; i < length; i++)
        {
            var index = i;
            var known = correctnessByIteration.Where(s => s.Count > index && s[index] is not null).Select(s => s[index]!.Value).ToList();
            accuracy.Add(known.Count == 0 ? 0 : (double)known.Count(c => c) / known.Count);
        }

        return accuracy.MoveToImmutable();
    }

    /// <summary>Counts Select, Stop and Refresh among instructions (CopiedForward is ignored).</summary>
    public static InstructionShares Shares(IEnumerable<IortInstruction> instructions)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        int select = 0, stop = 0, refresh = 0;
        foreach (var instruction in instructions)
        {
            switch (instruction)
            {
                case IortInstruction.Select: select++; break;
                case IortInstruction.Stop: stop++; break;
                case IortInstruction.Refresh: refresh++; break;
                default: break;
            }
        }

        return new InstructionShares(select, stop, refresh);
    }

    /// <summary>Correctness after each iteration of IoRT results (index 0 = initial), graded by <paramref name="isCorrect"/>(problem index, answer).</summary>
    public static IReadOnlyList<IReadOnlyList<bool?>> Grade(IReadOnlyList<IortResult> results, Func<int, string?, bool?> isCorrect)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(isCorrect);
        return [.. results.Select((r, i) => (IReadOnlyList<bool?>)[.. r.AnswersByIteration.Select(a => isCorrect(i, a))])];
    }
}
