using System.Text;
using Agents.Api.Gateway;
using Agents.Client;
using Agents.Contracts.SelfPlay;
using Agents.Core.SelfPlay;

namespace Agents.Api.Rest;

/// <summary>The options of <c>POST /api/leagues/{name}</c> (as <c>agents selfplay start</c>'s).</summary>
/// <param name="GamesPerRound">Valid games that close a round (G).</param>
/// <param name="Rounds">Rounds (R).</param>
/// <param name="Concurrency">Games in flight (W).</param>
/// <param name="GeneratorModel">Sneaky generator model spec ("" = the silos').</param>
/// <param name="CriticModel">Critic model spec.</param>
/// <param name="SolverModel">Solver model spec for validation completions.</param>
/// <param name="Seed">League seed.</param>
/// <param name="Options">SPC options as key=value.</param>
public sealed record LeagueOptions(
    int GamesPerRound = 40, int Rounds = 2, int Concurrency = 8, string? GeneratorModel = null, string? CriticModel = null,
    string? SolverModel = null, long Seed = 1, IReadOnlyList<string>? Options = null);

/// <summary>The generator and critic models a league switches to from its next round.</summary>
/// <param name="GeneratorModel">New generator model ("" or null = unchanged default).</param>
/// <param name="CriticModel">New critic model.</param>
public sealed record LeagueModels(string? GeneratorModel = null, string? CriticModel = null);

/// <summary>Self-play leagues as resources, on the shared <see cref="LeagueClient"/>.</summary>
public static class LeaguesEndpoints
{
    /// <summary>Maps <c>/api/leagues…</c>.</summary>
    public static IEndpointRouteBuilder MapLeagues(this IEndpointRouteBuilder app)
    {
        var leagues = app.MapGroup("/api/leagues").WithTags("Leagues");
        leagues.MapGet("/", async (LeagueClient client, JobCatalog catalog) =>
                Results.Json(await Task.WhenAll(catalog.Leagues.Select(l => client.GetStatusAsync(l.Id))), ApiJson.Options))
            .WithSummary("Every league this host started, with its status");
        leagues.MapPost("/{name}", StartAsync).WithSummary("Starts (or resumes) a league with these options");
        leagues.MapGet("/{name}", async (string name, LeagueClient client) => Results.Json(await client.GetStatusAsync(name), ApiJson.Options))
            .WithSummary("A league's state, options and per-round table");
        leagues.MapPost("/{name}/pause", async (string name, LeagueClient client) =>
        {
            await client.PauseAsync(name);
            return Results.Json(await client.GetStatusAsync(name), ApiJson.Options);
        }).WithSummary("Stops launching games; games in flight finish");
        leagues.MapPost("/{name}/resume", async (string name, LeagueClient client) =>
        {
            await client.ResumeAsync(name);
            return Results.Json(await client.GetStatusAsync(name), ApiJson.Options);
        }).WithSummary("Resumes a paused league");
        leagues.MapPost("/{name}/models", async Task<IResult> (string name, HttpRequest request, LeagueClient client) =>
        {
            var (models, error) = await ApiJson.ReadBodyAsync(request, new LeagueModels());
            if (models is null)
            {
                return error;
            }

            await client.SetModelsAsync(name, models.GeneratorModel ?? "", models.CriticModel ?? "");
            return Results.Json(await client.GetStatusAsync(name), ApiJson.Options);
        }).WithSummary("Points the generator and critic at new models from the next round on");
        leagues.MapGet("/{name}/rounds/{round:int}/export", ExportAsync)
            .WithSummary("A round as a JSONL download: format trl|openrlhf|raw, records published|all, part rows|pairs");
        return app;
    }

    private static async Task<IResult> StartAsync(string name, HttpRequest request, LeagueClient client, JobCatalog catalog, TimeProvider time)
    {
        var (options, error) = await ApiJson.ReadBodyAsync(request, new LeagueOptions());
        if (options is null)
        {
            return error;
        }

        try
        {
            var spec = new LeagueSpec(name, options.GamesPerRound, options.Rounds, options.Concurrency, options.GeneratorModel ?? "",
                options.CriticModel ?? "", options.SolverModel ?? "", options.Seed)
            {
                Options = SpcOptionsText.Canonical(options.Options ?? []),
            };
            var status = await client.StartAsync(spec);
            catalog.AddLeague(new CatalogEntry(name, "spc", options.GeneratorModel ?? "", time.GetUtcNow()));
            return Results.Json(status, ApiJson.Options, statusCode: StatusCodes.Status201Created);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            return OpenAIError.Invalid(ex.Message, null).ToResult();
        }
    }

    private static async Task<IResult> ExportAsync(string name, int round, LeagueClient client, string? format, string? records, string? part)
    {
        if (!LeagueClient.TryParseFormat(format ?? "trl", out var exportFormat) || records is not (null or "published" or "all") || part is not (null or "rows" or "pairs"))
        {
            return OpenAIError.Invalid("format is trl|openrlhf|raw, records published|all, part rows|pairs", "format").ToResult();
        }

        var export = await client.ExportRoundAsync(name, round, exportFormat, records != "all");
        var lines = part == "pairs" ? export.Pairs : export.Rows;
        var body = string.Concat(lines.Select(l => l + "\n"));
        var file = $"{name}.r{round}.{(format ?? "trl").ToLowerInvariant()}{(part == "pairs" ? ".pairs" : "")}.jsonl";
        return Results.File(Encoding.UTF8.GetBytes(body), "application/x-ndjson", file);
    }
}
