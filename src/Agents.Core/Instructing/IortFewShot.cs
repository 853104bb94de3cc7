namespace Agents.Core.Instructing;

/// <summary>One worked Reflector example: a question, an answer to reflect on, the critique of it, and the better answer.</summary>
/// <param name="Question">The question.</param>
/// <param name="Answer">The answer under reflection.</param>
/// <param name="Critique">What is wrong with it (or that nothing is).</param>
/// <param name="BetterAnswer">The revised answer, written after "Here's the better answer:".</param>
public sealed record ReflectorExample(string Question, string Answer, string Critique, string BetterAnswer);

/// <summary>
/// The few-shot examples of IoRT's Generator (8) and Reflector (4), in the shape of the paper's: worked
/// question/answer turns before the target question. The examples are our own (natural-language word problems with a
/// numeric answer, "Step n:" lines and a boxed answer; docs/iort.md), not the paper's.
/// </summary>
public static class IortFewShot
{
    /// <summary>The Generator's eight (question, solution) examples.</summary>
    public static IReadOnlyList<(string Question, string Solution)> Generator { get; } =
    [
        ("A baker makes 24 muffins and sells 15 of them. Then she bakes 9 more. How many muffins does she have now?",
            "Step 1: After selling, she has 24 - 15 = 9 muffins.\nStep 2: After baking more, she has 9 + 9 = 18 muffins.\nThe answer is \\boxed{18}."),
        ("A train travels 60 kilometres each hour. How far does it travel in 3.5 hours?",
            "Step 1: Distance is speed times time.\nStep 2: 60 * 3.5 = 210 kilometres.\nThe answer is \\boxed{210}."),
        ("Tom has 5 boxes with 12 pencils in each box. He gives 17 pencils to his sister. How many pencils does Tom keep?",
            "Step 1: Tom has 5 * 12 = 60 pencils.\nStep 2: He keeps 60 - 17 = 43 pencils.\nThe answer is \\boxed{43}."),
        ("Three friends share a bill of 84 dollars equally, and each also leaves a 4 dollar tip. How much does each friend pay?",
            "Step 1: Each share of the bill is 84 / 3 = 28 dollars.\nStep 2: With the tip, each pays 28 + 4 = 32 dollars.\nThe answer is \\boxed{32}."),
        ("A garden is 8 metres long and 5 metres wide. Fencing costs 3 dollars per metre. How much does it cost to fence the whole garden?",
            "Step 1: The perimeter is 2 * (8 + 5) = 26 metres.\nStep 2: The fence costs 26 * 3 = 78 dollars.\nThe answer is \\boxed{78}."),
        ("Maria reads 20 pages a day. Her book has 250 pages and she has already read 90. How many more days does she need to finish it?",
            "Step 1: She has 250 - 90 = 160 pages left.\nStep 2: At 20 pages a day she needs 160 / 20 = 8 days.\nThe answer is \\boxed{8}."),
        ("A shop sells pens at 3 for 2 dollars. How much do 18 pens cost?",
            "Step 1: 18 pens are 18 / 3 = 6 groups of 3 pens.\nStep 2: They cost 6 * 2 = 12 dollars.\nThe answer is \\boxed{12}."),
        ("A tank holds 200 litres. It is three quarters full, and then 35 litres are drained. How many litres are left in the tank?",
            "Step 1: Three quarters of 200 is 200 * 3 / 4 = 150 litres.\nStep 2: After draining, 150 - 35 = 115 litres are left.\nThe answer is \\boxed{115}."),
    ];

    /// <summary>The Reflector's four examples: two answers with an error the critique finds and fixes, two correct ones.</summary>
    public static IReadOnlyList<ReflectorExample> Reflector { get; } =
    [
        new("A farmer has 36 sheep. He sells a third of them and then buys 7 more. How many sheep does he have?",
            "Step 1: A third of 36 is 36 / 3 = 12.\nStep 2: After selling, he has 36 + 12 = 48 sheep.\nStep 3: After buying, he has 48 + 7 = 55 sheep.\nThe answer is \\boxed{55}.",
            "1. Plausibility: selling sheep should lower the count, but the answer is larger than 36 + 7.\n2. Step check: Step 2 is incorrect: selling 12 sheep leaves 36 - 12 = 24, not 36 + 12 = 48.",
            "Step 1: A third of 36 is 36 / 3 = 12.\nStep 2: After selling, he has 36 - 12 = 24 sheep.\nStep 3: After buying, he has 24 + 7 = 31 sheep.\nThe answer is \\boxed{31}."),
        new("A cyclist rides 14 kilometres in the morning and twice as far in the afternoon. How far does she ride in total?",
            "Step 1: In the afternoon she rides 14 * 2 = 28 kilometres.\nStep 2: In total she rides 14 + 28 = 42 kilometres.\nThe answer is \\boxed{42}.",
            "1. Plausibility: the total should be three times the morning distance, and 42 = 3 * 14.\n2. Step check: All steps are correct; the answer needs no change.",
            "Step 1: In the afternoon she rides 14 * 2 = 28 kilometres.\nStep 2: In total she rides 14 + 28 = 42 kilometres.\nThe answer is \\boxed{42}."),
        new("Eggs come in cartons of 6. A cafe uses 45 eggs a day. How many cartons does it need for 4 days?",
            "Step 1: In 4 days the cafe uses 45 * 4 = 180 eggs.\nStep 2: That is 180 / 6 = 32 cartons.\nThe answer is \\boxed{32}.",
            "1. Plausibility: the answer should be a whole number of cartons.\n2. Step check: Step 2 is incorrect: 180 / 6 = 30, not 32.",
            "Step 1: In 4 days the cafe uses 45 * 4 = 180 eggs.\nStep 2: That is 180 / 6 = 30 cartons.\nThe answer is \\boxed{30}."),
        new("Sam saves 15 dollars a week. How many weeks does he need to save 120 dollars?",
            "Step 1: He needs 120 / 15 = 8 weeks.\nThe answer is \\boxed{8}.",
            "1. Plausibility: the answer should be a whole number of weeks, and 8 * 15 = 120.\n2. Step check: All steps are correct; the answer needs no change.",
            "Step 1: He needs 120 / 15 = 8 weeks.\nThe answer is \\boxed{8}."),
    ];
}
