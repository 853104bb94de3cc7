using System.CommandLine;
using Agents.Cli.Spc;
using Agents.Contracts.SelfPlay;
using Agents.Core.SelfPlay;

namespace Agents.Cli.Commands;

/// <summary><c>agents selfplay start|status|pause|resume|export|delete</c>: an SPC league of sneaky-generator vs critic games.</summary>
internal static class SelfPlayCommand
{
    public static Command Create()
    {
        var league = new Option<string>("--league") { Description = "League name", Required = true };
        var cluster = new Option<string?>("--cluster") { Description = "redis://HOST:PORT of the cluster (default: an embedded silo)" };
        var games = new Option<int>("--games-per-round") { Description = "Valid games that close a round (G)", DefaultValueFactory = _ => 40 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds (R)", DefaultValueFactory = _ => 2 };
        var concurrency = new Option<int>("--concurrency") { Description = "Games in flight (W)", DefaultValueFactory = _ => 8 };
        var generator = new Option<string?>("--generator-model") { Description = "Sneaky generator model spec (default: the silo's)" };
        var critic = new Option<string?>("--critic-model") { Description = "Critic model spec (default: the silo's)" };
        var solver = new Option<string?>("--solver-model") { Description = "Solver model spec for validation completions (default: the silo's)" };
        var seed = new Option<long>("--seed") { Description = "League seed (problems and game seeds)", DefaultValueFactory = _ => 1 };
        var round = new Option<int>("--round") { Description = "Round to export", Required = true };
        var format = new Option<string>("--format") { Description = "trl | openrlhf | raw", DefaultValueFactory = _ => "trl" };
        var output = new Option<string>("--output") { Description = "Output JSONL file (trl/openrlhf also write FILE.pairs.jsonl)", Required = true };
        var option = new Option<string[]>("--option")
        {
            Description = "SPC option key=value, repeatable (" + string.Join(", ", SpcOptionsText.KeyNames) + "); see docs/spc.md",
            AllowMultipleArgumentsPerToken = false,
        };
        var plot = new Option<string?>("--plot") { Description = "Write a PNG of critic accuracy and generator success per round to FILE" };
        var recordSet = new Option<string>("--records")
        {
            Description = "published: the round's published (balanced) dataset and pairs; all: every record's samples, unbalanced",
            DefaultValueFactory = _ => "published",
        };
        var startOutput = new Option<string?>("--output")
        {
            Description = "Embedded mode: export every round to FILE with .rN before the extension (an embedded league ends with the command)",
        };

        var start = new Command("start", "Start (or resume) a league; embedded mode plays it to completion, then prints status")
        {
            league, cluster, games, rounds, concurrency, generator, critic, solver, seed, option, format, startOutput, plot,
        };
        start.SetAction((parse, ct) => Runner(parse, cluster).StartAsync(new LeagueStartSettings
        {
            Spec = new LeagueSpec(parse.GetValue(league)!, parse.GetValue(games), parse.GetValue(rounds), parse.GetValue(concurrency),
                parse.GetValue(generator) ?? string.Empty, parse.GetValue(critic) ?? string.Empty, parse.GetValue(solver) ?? string.Empty, parse.GetValue(seed)),
            Options = parse.GetValue(option) ?? [],
            Output = parse.GetValue(startOutput),
            Format = parse.GetValue(format)!,
            Plot = parse.GetValue(plot),
        }, ct));

        var status = new Command("status", "Print a league's state, options and per-round table; --plot draws the rates per round") { league, cluster, plot };
        status.SetAction((parse, ct) => Runner(parse, cluster).StatusAsync(parse.GetValue(league)!, parse.GetValue(plot), ct));

        var pause = new Command("pause", "Stop launching games; games in flight finish") { league, cluster };
        pause.SetAction((parse, ct) => Runner(parse, cluster).PauseAsync(parse.GetValue(league)!, ct));

        var resume = new Command("resume", "Resume a paused league") { league, cluster };
        resume.SetAction((parse, ct) => Runner(parse, cluster).ResumeAsync(parse.GetValue(league)!, ct));

        var delete = new Command("delete", "Delete a paused or completed league: its rounds, records, datasets and games (the name can be reused)") { league, cluster };
        delete.SetAction((parse, ct) => Runner(parse, cluster).DeleteAsync(parse.GetValue(league)!, ct));

        var models = new Command("models", "Point the generator and critic at new model ids from the next round on") { league, cluster, generator, critic };
        models.SetAction((parse, ct) => Runner(parse, cluster).SetModelsAsync(parse.GetValue(league)!, parse.GetValue(generator), parse.GetValue(critic), ct));

        var export = new Command("export", "Write a round's published dataset: reward rows and chosen/rejected pairs for trl/openrlhf, or raw game records")
        {
            league, cluster, round, format, output, recordSet,
        };
        export.SetAction((parse, ct) => Runner(parse, cluster).ExportAsync(
            parse.GetValue(league)!, parse.GetValue(round), parse.GetValue(format)!, parse.GetValue(recordSet)!, parse.GetValue(output)!, ct));

        return new Command("selfplay", "SPC self-play leagues: sneaky generator vs critic, records for training")
        {
            start, status, pause, resume, models, export, delete,
        };
    }

    private static SelfPlayRunner Runner(ParseResult parse, Option<string?> cluster) => new(Console.Out, Console.Error, parse.GetValue(cluster));
}
