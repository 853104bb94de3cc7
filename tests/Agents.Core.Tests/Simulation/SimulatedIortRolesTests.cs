using System.Globalization;
using Agents.Core.Answers;
using Agents.Core.Instructing;
using Agents.Core.Prompts;
using Agents.Core.Simulation;
using Agents.Core.Solving;
using Microsoft.Extensions.AI;
using Xunit.Abstractions;

namespace Agents.Core.Tests.Simulation;

public sealed class SimulatedIortRolesTests(ITestOutputHelper output)
{
    private const int Draws = 1500;
    private readonly SimulatedModel _model = new();

    private static SyntheticProblem Problem(int i) => SyntheticProblems.GenerateOne(11, i, 3, 6);

    private static string Correct(SyntheticProblem problem) =>
        string.Join("\n", Enumerable.Range(0, problem.Steps).Select(i => $"Step {i + 1}: {problem.CorrectStep(i)}"))
        + $"\nThe answer is \\boxed{{{problem.Answer}}}.";

    private static bool IsRight(SyntheticProblem problem, string? response) =>
        response is not null && problem.CheckSteps(SolutionParser.Parse(response).Steps.Select(s => s.Text).ToList()).All(v => v)
        && SolutionParser.Parse(response).Steps.Length == problem.Steps
        && AnswerExtractor.LastBoxed(response) == problem.Answer.ToString(CultureInfo.InvariantCulture);

    // Wrong solutions drawn from a sloppy solver (many slips), paired with their problems.
    private static IEnumerable<(SyntheticProblem Problem, string Solution)> Wrong(int count)
    {
        var sloppy = new SimulatedModel(new SimulationOptions { SlipBase = 0.2 });
        return Enumerable.Range(0, count * 3).Select(i => (Problem(i), sloppy.Solve(Problem(i).Question, 1.0, i)))
            .Where(p => !IsRight(p.Item1, p.Item2)).Take(count);
    }

    private string Critique(SyntheticProblem problem, string solution, int seed) =>
        _model.Complete([.. ReflectorPrompt.BuildCritique(PromptTemplates.Defaults, problem.Question, solution)], 0.3, seed);

    private string? Revise(SyntheticProblem problem, string solution, string critique, int seed) =>
        ReflectorPrompt.ParseRevision(_model.Complete([.. ReflectorPrompt.BuildRevision(PromptTemplates.Defaults, problem.Question, solution, critique)], 0.3, seed));

    private static bool Flags(string critique) => !critique.Contains("All steps are correct", StringComparison.Ordinal);

    [Fact]
    public void MetaThinker_SyntheticQuestion_GenericPlanWithoutNumbers()
    {
        var problem = SyntheticProblems.GenerateOne(5, 2, 6, 6);

        var text = _model.Complete([.. MetaThinkerPrompt.Build(PromptTemplates.Defaults, problem.Question, [new MetaExample("Q", "M")])], 0.3, 1);
        var parsed = MetaThinkerPrompt.Parse(text);

        Assert.True(parsed.Valid);
        Assert.Contains(problem.Items, parsed.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(parsed.Text, char.IsDigit);
    }

    [Fact]
    public void IortPrompts_QuestionOutsideLanguage_CannotSolve()
    {
        const string question = "What is the capital of France?";

        Assert.Equal(PromptMarkers.CannotSolve, _model.Complete([.. MetaThinkerPrompt.Build(PromptTemplates.Defaults, question, [])], 0.3, 1));
        Assert.Equal(PromptMarkers.CannotSolve, _model.Complete([.. ReflectorPrompt.BuildCritique(PromptTemplates.Defaults, question, "Paris.")], 0.3, 1));
        Assert.Equal(PromptMarkers.CannotSolve, _model.Complete([.. InstructorPrompt.BuildSelect(PromptTemplates.Defaults, question, "m", new(0, "a"), new(1, "b"))], 0.3, 1));
    }

    [Fact]
    public void Critique_WrongSolutions_DetectsAtRate()
    {
        var wrong = Wrong(Draws).ToList();

        var detected = wrong.Select((p, i) => Flags(Critique(p.Problem, p.Solution, i))).Count(f => f) / (double)wrong.Count;

        // Calibration: a rate over many seeded draws, so the band around the configured rate is the assertion.
        Assert.InRange(detected, _model.Options.CritiqueDetectRate - 0.04, _model.Options.CritiqueDetectRate + 0.04);
    }

    [Fact]
    public void Critique_CorrectSolutions_FalseAlarmsAtRate()
    {
        var alarms = Enumerable.Range(0, Draws).Count(i => Flags(Critique(Problem(i), Correct(Problem(i)), i))) / (double)Draws;

        // Calibration: a rate over many seeded draws, so the band around the configured rate is the assertion.
        Assert.InRange(alarms, _model.Options.CritiqueFalseAlarmRate - 0.03, _model.Options.CritiqueFalseAlarmRate + 0.03);
    }

    [Fact]
    public void Revise_LocatedError_FixedAtRate()
    {
        var fixedCount = 0;
        var total = 0;
        foreach (var (problem, solution) in Wrong(Draws))
        {
            var critique = "2. Step check: " + SimulatedModel.Review(problem.Question, solution);
            fixedCount += IsRight(problem, Revise(problem, solution, critique, total)) ? 1 : 0;
            total++;
        }

        // Calibration: a rate over many seeded draws, so the band around the configured rate is the assertion.
        Assert.InRange(fixedCount / (double)total, _model.Options.ReviseFixRate - 0.04, _model.Options.ReviseFixRate + 0.04);
    }

    [Fact]
    public void Revise_FalseAlarm_OvercorrectsAtRateAndNoAlarmKeepsSolution()
    {
        var broken = 0;
        for (var i = 0; i < Draws; i++)
        {
            var problem = Problem(i);
            var critique = $"2. Step check: Step {1 + (i % problem.Steps)} is incorrect: it should be recomputed.";
            broken += IsRight(problem, Revise(problem, Correct(problem), critique, i)) ? 0 : 1;
        }

        var kept = Revise(Problem(0), Correct(Problem(0)), "2. Step check: All steps are correct; the answer needs no change.", 0);

        // Calibration: a rate over many seeded draws, so the band around the configured rate is the assertion.
        Assert.InRange(broken / (double)Draws, _model.Options.OvercorrectRate - 0.04, _model.Options.OvercorrectRate + 0.04);
        Assert.Equal(Correct(Problem(0)), kept);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Instructor_Select_PicksSoundResponseAtCheckAccuracy(bool withMeta)
    {
        var accuracy = withMeta ? _model.Options.InstructorCheckAccuracy : _model.Options.InstructorCheckAccuracyWithoutMetaThought;
        var right = 0;
        var total = 0;
        foreach (var (problem, wrong) in Wrong(Draws))
        {
            var correctFirst = total % 2 == 0;
            var (a, b) = correctFirst ? (Correct(problem), wrong) : (wrong, Correct(problem));
            var text = _model.Complete([.. InstructorPrompt.BuildSelect(PromptTemplates.Defaults, problem.Question, withMeta ? "Track the count." : null, new(0, a), new(5, b))], 0.3, total);
            var decision = InstructorPrompt.ParseSelect(text, 0, 5);
            Assert.True(decision.Valid);
            right += decision.Chosen == (correctFirst ? 0 : 5) ? 1 : 0;
            total++;
        }

        // One check each: both right (acc²) or a coin flip when the two verdicts agree (2·acc·(1−acc)/2) = acc.
        // Calibration: a rate over many seeded draws, so the band around the configured rate is the assertion.
        Assert.InRange(right / (double)total, accuracy - 0.04, accuracy + 0.04);
    }

    [Fact]
    public void Instructor_Agreement_RefreshesMoreOftenWhenWrong()
    {
        var options = _model.Options;
        var onRight = Enumerable.Range(0, Draws).Count(i => Refreshes(Problem(i), Correct(Problem(i)), i)) / (double)Draws;
        var wrong = Wrong(Draws).ToList();
        var onWrong = wrong.Select((p, i) => Refreshes(p.Problem, p.Solution, i)).Count(r => r) / (double)wrong.Count;

        var acc = options.InstructorCheckAccuracy;
        // Calibration: a rate over many seeded draws, so the band around the configured rate is the assertion.
        Assert.InRange(onRight, (acc * options.RefreshWhenSoundRate) + ((1 - acc) * options.RefreshOnErrorRate) - 0.03, (acc * options.RefreshWhenSoundRate) + ((1 - acc) * options.RefreshOnErrorRate) + 0.03);
        Assert.InRange(onWrong, (acc * options.RefreshOnErrorRate) + ((1 - acc) * options.RefreshWhenSoundRate) - 0.04, (acc * options.RefreshOnErrorRate) + ((1 - acc) * options.RefreshWhenSoundRate) + 0.04);
    }

    private bool Refreshes(SyntheticProblem problem, string solution, int seed)
    {
        var text = _model.Complete([.. InstructorPrompt.BuildAgreement(PromptTemplates.Defaults, problem.Question, "Track the count.", new(0, solution), new(1, solution))], 0.3, seed);
        var decision = InstructorPrompt.ParseAgreement(text);
        Assert.True(decision.Valid);
        return decision.Instruction == IortInstruction.Refresh;
    }

    [Fact]
    public void EndToEnd_IortVersusStaticReflection_IortDriftsLess()
    {
        var problems = SyntheticProblems.Generate(300, 2025).ToList();
        var memory = new MetaMemory(MetaMemoryPolicy.SharedGrowing);
        var iortPairs = new List<(bool?, bool?)>();
        var staticPairs = new List<(bool?, bool?)>();
        var results = new List<IortResult>();
        var staticCalls = 0;
        foreach (var problem in problems)
        {
            string Model(IortCall call) => _model.Complete([.. call.Messages], call.Temperature,
                SampleSeed.Derive("e2e", problem.Id, $"{call.Role}/{call.Index}", call.Iteration));
            var result = new IortProcess(PromptTemplates.Defaults, IortRoles.FromModel(Model)).Run(problem.Question, memory);
            results.Add(result);
            iortPairs.Add((Grade(result.InitialAnswer, problem.Gold), Grade(result.FinalAnswer, problem.Gold)));

            // Static loop from the same roles and seeds: reflect (critique, revise) and always take the revision, 4 rounds.
            var response = Model(new IortCall(IortRole.Generator, 0, 0, GeneratorPrompt.Build(PromptTemplates.Defaults, problem.Question), 0.3));
            var first = Grade(AnswerExtractor.Extract(response), problem.Gold);
            staticCalls++;
            for (var round = 1; round <= 4; round++)
            {
                var critique = ReflectorPrompt.Parse(Model(new IortCall(IortRole.ReflectorCritique, round, 0, ReflectorPrompt.BuildCritique(PromptTemplates.Defaults, problem.Question, response), 0.3))).Critique;
                response = ReflectorPrompt.ParseRevision(Model(new IortCall(IortRole.ReflectorRevision, round, 0, ReflectorPrompt.BuildRevision(PromptTemplates.Defaults, problem.Question, response, critique), 0.3))) ?? response;
                staticCalls += 2;
            }

            staticPairs.Add((first, Grade(AnswerExtractor.Extract(response), problem.Gold)));
        }

        var iort = Transitions.Compute(iortPairs);
        var selfRefine = Transitions.Compute(staticPairs);
        var graded = Transitions.Grade(results, (i, a) => Grade(a, problems[i].Gold));
        var curve = Transitions.AccuracyByIteration(graded);
        foreach (var (table, step) in Transitions.PerIteration(graded).Select((t, i) => (t, i)))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"IoRT {step}->{step + 1}: c->c {table.CorrectToCorrectRate:P1} c->i {table.CorrectToIncorrectRate:P1} i->c {table.IncorrectToCorrectRate:P1} i->i {table.IncorrectToIncorrectRate:P1}"));
        }

        var shares = Transitions.Shares(results.SelectMany(r => r.Iterations.Select(i => i.Instruction)));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"IoRT: acc {iort.AccuracyBefore:F3} -> {iort.AccuracyAfter:F3}, c->i {iort.CorrectToIncorrectRate:F3}, i->c {iort.IncorrectToCorrectRate:F3}, calls/problem {results.Average(r => r.Calls.Total):F2}, iterations {results.Average(r => r.IterationsRun):F2}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"IoRT per-iteration accuracy {string.Join(" ", curve.Select(a => a.ToString("F3", CultureInfo.InvariantCulture)))}; shares select {shares.SelectShare:F3} stop {shares.StopShare:F3} refresh {shares.RefreshShare:F3}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Static: acc {selfRefine.AccuracyBefore:F3} -> {selfRefine.AccuracyAfter:F3}, c->i {selfRefine.CorrectToIncorrectRate:F3}, i->c {selfRefine.IncorrectToCorrectRate:F3}, calls/problem {staticCalls / (double)problems.Count:F2}"));

        Assert.Equal(iort.AccuracyBefore, selfRefine.AccuracyBefore);
        Assert.True(iort.CorrectToIncorrectRate < selfRefine.CorrectToIncorrectRate,
            $"IoRT c->i {iort.CorrectToIncorrectRate} should be below the static loop's {selfRefine.CorrectToIncorrectRate}");
        Assert.True(iort.AccuracyAfter >= iort.AccuracyBefore);
        Assert.Equal(300, memory.Examples.Count);
    }

    [Fact]
    public void EndToEnd_Ablations_NoGateUses14CallsAndNoMetaThoughtIsNotBetter()
    {
        var problems = SyntheticProblems.Generate(300, 2025).ToList();
        (TransitionTable Table, double Calls) RunAll(IortOptions options)
        {
            var memory = new MetaMemory(MetaMemoryPolicy.SharedGrowing);
            var pairs = new List<(bool?, bool?)>();
            var calls = 0;
            foreach (var problem in problems)
            {
                string Model(IortCall call) => _model.Complete([.. call.Messages], call.Temperature,
                    SampleSeed.Derive("e2e", problem.Id, $"{call.Role}/{call.Index}", call.Iteration));
                var result = new IortProcess(PromptTemplates.Defaults, IortRoles.FromModel(Model), options).Run(problem.Question, memory);
                pairs.Add((Grade(result.InitialAnswer, problem.Gold), Grade(result.FinalAnswer, problem.Gold)));
                calls += result.Calls.Total;
            }

            return (Transitions.Compute(pairs), calls / (double)problems.Count);
        }

        var full = RunAll(IortOptions.Default);
        var noGate = RunAll(new IortOptions { ConsistencyGate = false });
        var noMeta = RunAll(new IortOptions { UseMetaThought = false });
        foreach (var (name, (table, calls)) in new[] { ("IoRT", full), ("no gate", noGate), ("no meta-thought", noMeta) })
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: acc {table.AccuracyBefore:F3} -> {table.AccuracyAfter:F3}, c->i {table.CorrectToIncorrectRate:F3}, i->c {table.IncorrectToCorrectRate:F3}, calls/problem {calls:F2}"));
        }

        Assert.Equal(14.0, noGate.Calls);
        Assert.True(noMeta.Table.AccuracyAfter <= full.Table.AccuracyAfter);
    }

    [Fact]
    public void Run_SimulatedRoles_SameSeedsReproduceTheRun()
    {
        var problem = SyntheticProblems.GenerateOne(9, 4, 6, 6);
        string Model(IortCall call) => _model.Complete([.. call.Messages], call.Temperature, SampleSeed.Derive("r", "p", $"{call.Role}/{call.Index}", call.Iteration));

        var first = new IortProcess(PromptTemplates.Defaults, IortRoles.FromModel(Model)).Run(problem.Question, new MetaMemory(MetaMemoryPolicy.Snapshot));
        var second = new IortProcess(PromptTemplates.Defaults, IortRoles.FromModel(Model)).Run(problem.Question, new MetaMemory(MetaMemoryPolicy.Snapshot));

        Assert.Equal(first.Iterations.ToArray(), second.Iterations.ToArray());
        Assert.Equal((first.Final, first.Calls), (second.Final, second.Calls));
    }

    private static bool Grade(string? answer, string? gold) => AnswerEquivalence.AreEquivalent(answer, gold, EquivalenceMode.Numeric);
}
