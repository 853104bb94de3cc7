using System.Globalization;
using Agents.Contracts.SelfPlay;
using Agents.Core.Simulation;
using Agents.Core.Solving;

namespace Agents.Core.SelfPlay;

/// <summary>Which game a league plays at (round, index): its problem, reference steps and seed, all derived from the spec.</summary>
public static class LeagueGames
{
    /// <summary>
    /// The game (round, index) of a league: problem (round−1)·100000 + index / games_per_problem of the league seed's
    /// synthetic sequence (its reference solution goes along for solution_source=reference), with a seed derived from the
    /// league, problem, round and league seed, so that the games of one problem attack the same step.
    /// </summary>
    public static GameSpec GameFor(LeagueSpec spec, int round, int index, string generatorModel, string criticModel)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var options = SpcOptionsText.Canonical(spec.Options);
        var ordinal = ((round - 1) * 100_000) + (index / SpcOptionsText.Parse(options).GamesPerProblem);
        var problem = SyntheticProblems.GenerateOne(spec.Seed, ordinal, 3, 6);
        var steps = Enumerable.Range(0, problem.Steps)
            .Select(i => problem.CorrectStep(i) + (i == problem.Steps - 1 ? $"\nThe answer is \\boxed{{{problem.Answer}}}." : string.Empty))
            .ToImmutableArray();
        var problemId = string.Create(CultureInfo.InvariantCulture, $"{SyntheticProblems.Source}-{ordinal + 1:D4}");
        var seed = SampleSeed.Derive(spec.League, problemId, "spc-game", round, spec.Seed);
        return new GameSpec(spec.League, round, index, problemId, problem.Question, problem.Answer.ToString(CultureInfo.InvariantCulture),
            steps, generatorModel, criticModel, spec.SolverModel, seed) { Options = options };
    }

    /// <summary>Game <paramref name="index"/> of a round, played with the round's models.</summary>
    public static GameSpec GameFor(LeagueSpec spec, ILeagueRound round, int index)
    {
        ArgumentNullException.ThrowIfNull(round);
        return GameFor(spec, round.Round, index, round.GeneratorModel, round.CriticModel);
    }
}
