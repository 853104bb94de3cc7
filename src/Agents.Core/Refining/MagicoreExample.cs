namespace Agents.Core.Refining;

/// <summary>
/// The one in-context example of the Reviewer and Refiner prompts (docs/algorithms.md §1.5, <c>icl_samples.py</c>): a question,
/// its scored solution, the teacher's feedback and the refined solution.
/// </summary>
/// <param name="Question">The example question.</param>
/// <param name="ScoredSolution">The example solution annotated with " (Score: n/10)" per step.</param>
/// <param name="Feedback">Step-by-step feedback in the original's style ("the high score of X reflects it" / "the low score of X suggests an error").</param>
/// <param name="RefinedSolution">The corrected solution, with its answer in \boxed{}.</param>
public sealed record MagicoreExample(string Question, string ScoredSolution, string Feedback, string RefinedSolution)
{
    /// <summary>A grade-school arithmetic example written for this project (the original's per-dataset examples are not shipped).</summary>
    public static MagicoreExample Math { get; } = new(
        "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. " +
        "How many clips did Natalia sell altogether in April and May?",
        "Step 1: In April, Natalia sold 48 clips. (Score: 10/10)\n" +
        "Step 2: In May, she sold half as many clips as in April, so she sold 48 * 2 = 96 clips. (Score: 3/10)\n" +
        "Step 3: Altogether she sold 48 + 96 = 144 clips. The answer is \\boxed{144}. (Score: 2/10)\n",
        "Step 1: this step is correct, and the high score of 10 reflects it.\n" +
        "Step 2: the low score of 3 suggests an error in this step. \"Half as many\" means dividing by 2, not multiplying: " +
        "she sold 48 / 2 = 24 clips in May.\n" +
        "Step 3: the low score of 2 suggests an error in this step. It builds on the wrong value of Step 2; with 24 clips " +
        "in May the total is 48 + 24 = 72.",
        "Step 1: In April, Natalia sold 48 clips.\n" +
        "Step 2: In May, she sold half as many clips as in April, so she sold 48 / 2 = 24 clips.\n" +
        "Step 3: Altogether she sold 48 + 24 = 72 clips. The answer is \\boxed{72}.");
}
