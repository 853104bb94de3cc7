using Agents.Contracts.SelfPlay;

namespace Agents.Grains.Tests;

/// <summary>A league whose every model is an OpenAI endpoint nobody listens on, so every game attempt fails.</summary>
internal static class DeadBackendLeague
{
    /// <summary>Port 9 (discard) on loopback: every model call is refused.</summary>
    public const string Model = "openai:http://127.0.0.1:9/v1#dead";

    public static LeagueSpec Spec(string league, int gamesPerRound, int rounds, int concurrency, int seed, params string[] options) =>
        new(league, gamesPerRound, rounds, concurrency, Model, Model, "", seed) { SolverModel = Model, Options = [.. options] };
}
