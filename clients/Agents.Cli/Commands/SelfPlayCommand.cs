using System.CommandLine;
using System.Globalization;
using Agents.Cli.Hosting;
using Agents.Cli.Spc;
using Agents.Contracts.SelfPlay;
using Agents.Core.Spc;
using Agents.Grains.SelfPlay;

namespace Agents.Cli.Commands;

/// <summary><c>agents selfplay start|status|pause|resume|export</c>: an SPC league of sneaky-generator vs critic games.</summary>
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
        start.SetAction(async (parse, ct) =>
        {
            ImmutableArray<string> options;
            try
            {
                options = SpcOptionsText.Canonical(parse.GetValue(option));
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            await using var connection = await AgentsConnection.OpenAsync(parse.GetValue(cluster), new Dictionary<string, string?>(), ct);
            var name = parse.GetValue(league)!;
            var grain = connection.Grains.GetGrain<ILeagueGrain>(name);

            try
            {
                await grain.StartAsync(new LeagueSpec(name, parse.GetValue(games), parse.GetValue(rounds), parse.GetValue(concurrency),
                    parse.GetValue(generator) ?? string.Empty, parse.GetValue(critic) ?? string.Empty, parse.GetValue(solver) ?? string.Empty, parse.GetValue(seed))
                {
                    Options = options,
                });
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
            {
                // An existing league with other settings, or settings the league refuses: a usage error, not a crash.
                await Console.Error.WriteLineAsync($"league {name}: {ex.Message}");
                return 2;
            }

            var status = await grain.GetStatusAsync();
            if (connection.Embedded)
            {
                // The league lives in this process: wait for it, or the silo (and the league) stops with the command.
                while (status.State is LeagueStates.Running)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
                    status = await grain.GetStatusAsync();
                }
            }

            Print(status);
            SavePlot(status, parse.GetValue(plot));
            if (parse.GetValue(startOutput) is { Length: > 0 } file)
            {
                if (!TryFormat(parse.GetValue(format)!, out var kind))
                {
                    await Console.Error.WriteLineAsync("--format must be trl, openrlhf or raw");
                    return 2;
                }

                foreach (var r in status.Rounds.Where(r => r.Closed))
                {
                    var roundFile = Path.ChangeExtension(file, null) + string.Create(CultureInfo.InvariantCulture, $".r{r.Round}") + Path.GetExtension(file);
                    await WriteRoundAsync(grain, r.Round, kind, published: true, roundFile, ct);
                }
            }

            return 0;
        });

        var status = new Command("status", "Print a league's state, options and per-round table; --plot draws the rates per round") { league, cluster, plot };
        status.SetAction(async (parse, ct) =>
        {
            await using var connection = await AgentsConnection.OpenAsync(parse.GetValue(cluster), new Dictionary<string, string?>(), ct);
            var current = await connection.Grains.GetGrain<ILeagueGrain>(parse.GetValue(league)!).GetStatusAsync();
            Print(current);
            SavePlot(current, parse.GetValue(plot));
            return 0;
        });

        var pause = new Command("pause", "Stop launching games; games in flight finish") { league, cluster };
        pause.SetAction(async (parse, ct) =>
        {
            await using var connection = await AgentsConnection.OpenAsync(parse.GetValue(cluster), new Dictionary<string, string?>(), ct);
            await connection.Grains.GetGrain<ILeagueGrain>(parse.GetValue(league)!).PauseAsync();
            Console.WriteLine($"league {parse.GetValue(league)}: paused");
            return 0;
        });

        var resume = new Command("resume", "Resume a paused league") { league, cluster };
        resume.SetAction(async (parse, ct) =>
        {
            await using var connection = await AgentsConnection.OpenAsync(parse.GetValue(cluster), new Dictionary<string, string?>(), ct);
            await connection.Grains.GetGrain<ILeagueGrain>(parse.GetValue(league)!).ResumeAsync();
            Console.WriteLine($"league {parse.GetValue(league)}: resumed");
            return 0;
        });

        var models = new Command("models", "Point the generator and critic at new model ids from the next round on") { league, cluster, generator, critic };
        models.SetAction(async (parse, ct) =>
        {
            await using var connection = await AgentsConnection.OpenAsync(parse.GetValue(cluster), new Dictionary<string, string?>(), ct);
            await connection.Grains.GetGrain<ILeagueGrain>(parse.GetValue(league)!).SetModelsAsync(parse.GetValue(generator) ?? string.Empty, parse.GetValue(critic) ?? string.Empty);
            Console.WriteLine($"league {parse.GetValue(league)}: models set for the next round");
            return 0;
        });

        var export = new Command("export", "Write a round's published dataset: reward rows and chosen/rejected pairs for trl/openrlhf, or raw game records")
        {
            league, cluster, round, format, output, recordSet,
        };
        export.SetAction(async (parse, ct) =>
        {
            if (!TryFormat(parse.GetValue(format)!, out var kind))
            {
                await Console.Error.WriteLineAsync("--format must be trl, openrlhf or raw");
                return 2;
            }

            if (parse.GetValue(recordSet) is not ("published" or "all"))
            {
                await Console.Error.WriteLineAsync("--records must be published or all");
                return 2;
            }

            await using var connection = await AgentsConnection.OpenAsync(parse.GetValue(cluster), new Dictionary<string, string?>(), ct);
            await WriteRoundAsync(connection.Grains.GetGrain<ILeagueGrain>(parse.GetValue(league)!), parse.GetValue(round), kind,
                parse.GetValue(recordSet) == "published", parse.GetValue(output)!, ct);
            return 0;
        });

        return new Command("selfplay", "SPC self-play leagues: sneaky generator vs critic, records for training")
        {
            start, status, pause, resume, models, export,
        };
    }

    /// <summary>Every record of a round, paged out chunk by chunk.</summary>
    public static async Task<List<GameRecord>> ExportAsync(ILeagueGrain league, int round)
    {
        var records = new List<GameRecord>();
        for (var chunk = 0; ;)
        {
            var page = await league.ExportAsync(round, chunk);
            records.AddRange(page.Records.Select(SpcRecords.ToCore));
            chunk = page.NextChunk;
            if (page.Finished)
            {
                return records;
            }
        }
    }

    /// <summary>
    /// Writes a round: raw game records (every record), or reward rows plus chosen/rejected pairs (FILE.pairs.jsonl) of the
    /// published dataset (<paramref name="published"/>) or of every record, unbalanced.
    /// </summary>
    public static async Task WriteRoundAsync(ILeagueGrain league, int round, ExportFormat kind, bool published, string file, CancellationToken ct)
    {
        if (kind == ExportFormat.Raw)
        {
            var records = await ExportAsync(league, round);
            await File.WriteAllLinesAsync(file, SpcDataset.RawRows(records), ct);
            Console.WriteLine($"{records.Count} game records → {file}");
            return;
        }

        var dataset = published
            ? await league.ReadDatasetAsync(round)
            : await AllAsync(league, round);
        var pairFile = Path.ChangeExtension(file, null) + ".pairs.jsonl";
        await File.WriteAllLinesAsync(file, SpcDataset.RewardRows(dataset.Samples, kind), ct);
        await File.WriteAllLinesAsync(pairFile, SpcDataset.PairRows(dataset.Pairs, kind), ct);
        Console.WriteLine($"round {round} ({(published ? "published" : "all records")}): {dataset.Samples.Length} reward rows → {file}, {dataset.Pairs.Length} pairs → {pairFile}");
    }

    private static async Task<RoundDataset> AllAsync(ILeagueGrain league, int round)
    {
        var records = await ExportAsync(league, round);
        return new RoundDataset(SpcDataset.Samples(records), SpcDataset.PreferencePairs(records));
    }

    private static void SavePlot(LeagueStatus status, string? file)
    {
        if (file is { Length: > 0 })
        {
            RoundPlot.Save(status, file);
            Console.WriteLine($"plot → {file}");
        }
    }

    private static bool TryFormat(string text, out ExportFormat format) => Enum.TryParse(text, ignoreCase: true, out format);

    private static void Print(LeagueStatus status)
    {
        var spec = status.Spec;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"league {status.League}: {status.State}, round {(spec is not null && status.State == LeagueStates.Completed ? spec.Rounds : status.Round)}{(spec is null ? "" : $"/{spec.Rounds}")}, in flight {status.InFlight}, failed attempts {status.Failed}"));
        if (status.PauseReason is { } reason)
        {
            Console.WriteLine($"paused by the league: {reason} (`agents selfplay resume --league {status.League}` once fixed)");
        }

        if (spec is not null)
        {
            Console.WriteLine("options: " + string.Join(' ', spec.Options));
        }

        Console.WriteLine("round closed games valid failed no_solution critic_acc_attacked critic_acc_original gen_vs_solver gen_vs_critic invalid_attack published pairs calls tokens generator critic");
        foreach (var r in status.Rounds)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Round,5} {(r.Closed ? "yes" : "no"),6} {r.Games,5} {r.ValidGames,5} {r.FailedGames,6} {r.NoSolutionGames,11} {r.CriticAccuracyAttacked,19:0.000} {r.CriticAccuracyOriginal,19:0.000} {r.GeneratorSuccessVsSolver,13:0.000} {r.GeneratorSuccessVsCritic,13:0.000} {r.InvalidAttackRate,14:0.000} {r.PublishedSamples,9} {r.PublishedPairs,5} {r.Calls,5} {r.PromptTokens + r.CompletionTokens,6} {Or(r.GeneratorModel)} {Or(r.CriticModel)}"));
        }
    }

    private static string Or(string model) => string.IsNullOrEmpty(model) ? "(default)" : model;
}
