using System.Globalization;
using Agents.Contracts.SelfPlay;
using Agents.Client.Leagues;
using Agents.Core.SelfPlay;

namespace Agents.Cli.Spc;

/// <summary>What <c>agents selfplay start</c> was asked to do.</summary>
internal sealed record LeagueStartSettings
{
    /// <summary>The league to start (or resume), with its games, rounds, concurrency, models and seed.</summary>
    public required LeagueSpec Spec { get; init; }

    /// <summary>The raw <c>--option key=value</c> texts.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>Embedded mode: export every closed round to this file with <c>.rN</c> before the extension.</summary>
    public string? Output { get; init; }

    /// <summary>The export format of <see cref="Output"/>.</summary>
    public string Format { get; init; } = "trl";

    /// <summary>A PNG of the per-round rates.</summary>
    public string? Plot { get; init; }
}

/// <summary>
/// Runs <c>agents selfplay</c> through a <see cref="LeagueClient"/>: each method opens the connection, calls the client
/// and prints what happened; an embedded league is played to completion before start returns.
/// </summary>
internal sealed class SelfPlayRunner(TextWriter output, TextWriter errors, string? cluster)
{
    /// <summary>Starts or resumes the league; embedded mode waits for it, then prints status and writes the plot and exports.</summary>
    public async Task<int> StartAsync(LeagueStartSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ImmutableArray<string> options;
        try
        {
            options = SpcOptionsText.Canonical(settings.Options);
        }
        catch (ArgumentException ex)
        {
            await errors.WriteLineAsync(ex.Message);
            return ExitCodes.Usage;
        }

        if (settings.Output is { Length: > 0 } && !LeagueClient.TryParseFormat(settings.Format, out _))
        {
            await errors.WriteLineAsync("--format must be trl, openrlhf or raw");
            return ExitCodes.Usage;
        }

        await using var connection = await OpenAsync(cancellationToken);
        var leagues = new LeagueClient(connection.Grains);
        var name = settings.Spec.League;
        LeagueStatus status;
        try
        {
            status = await leagues.StartAsync(settings.Spec with { Options = options });
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // An existing league with other settings, or settings the league refuses: a usage error, not a crash.
            await errors.WriteLineAsync($"league {name}: {ex.Message}");
            return ExitCodes.Usage;
        }

        if (connection.Embedded)
        {
            // The league lives in this process: wait for it, or the silo (and the league) stops with the command.
            status = await leagues.WaitWhileRunningAsync(name, cancellationToken);
        }

        await PrintAsync(status, settings.Plot);
        if (settings.Output is { Length: > 0 } file && LeagueClient.TryParseFormat(settings.Format, out var format))
        {
            foreach (var r in status.Rounds.Where(r => r.Closed))
            {
                var roundFile = Path.ChangeExtension(file, null) + string.Create(CultureInfo.InvariantCulture, $".r{r.Round}") + Path.GetExtension(file);
                await WriteRoundAsync(leagues, name, r.Round, format, published: true, roundFile, cancellationToken);
            }
        }

        return ExitCodes.Ok;
    }

    /// <summary>Prints the league's state, options and per-round table, and writes the plot.</summary>
    public Task<int> StatusAsync(string league, string? plot, CancellationToken cancellationToken) =>
        WithLeaguesAsync(async leagues => await PrintAsync(await leagues.GetStatusAsync(league), plot), cancellationToken);

    /// <summary>Stops launching games; games in flight finish.</summary>
    public Task<int> PauseAsync(string league, CancellationToken cancellationToken) =>
        WithLeaguesAsync(async leagues =>
        {
            await leagues.PauseAsync(league);
            await output.WriteLineAsync($"league {league}: paused");
        }, cancellationToken);

    /// <summary>Resumes a paused league.</summary>
    public Task<int> ResumeAsync(string league, CancellationToken cancellationToken) =>
        WithLeaguesAsync(async leagues =>
        {
            await leagues.ResumeAsync(league);
            await output.WriteLineAsync($"league {league}: resumed");
        }, cancellationToken);

    /// <summary>Deletes a paused or completed league: its rounds, records, datasets and games.</summary>
    public async Task<int> DeleteAsync(string league, CancellationToken cancellationToken)
    {
        try
        {
            return await WithLeaguesAsync(async leagues =>
            {
                var status = await leagues.GetStatusAsync(league);
                if (status.State is LeagueStates.None)
                {
                    throw new InvalidOperationException($"no league '{league}'");
                }

                await leagues.DeleteAsync(league);
                await output.WriteLineAsync($"league {league}: deleted ({status.State}, {status.Rounds.Length} round(s))");
            }, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            await errors.WriteLineAsync($"league {league}: {ex.Message}");
            return ExitCodes.Error;
        }
    }

    /// <summary>Points the generator and critic at new model ids from the next round on.</summary>
    public Task<int> SetModelsAsync(string league, string? generator, string? critic, CancellationToken cancellationToken) =>
        WithLeaguesAsync(async leagues =>
        {
            await leagues.SetModelsAsync(league, generator ?? string.Empty, critic ?? string.Empty);
            await output.WriteLineAsync($"league {league}: models set for the next round");
        }, cancellationToken);

    /// <summary>Writes a round's published dataset (or every record) in <paramref name="format"/>.</summary>
    public async Task<int> ExportAsync(string league, int round, string format, string records, string file, CancellationToken cancellationToken)
    {
        if (!LeagueClient.TryParseFormat(format, out var kind))
        {
            await errors.WriteLineAsync("--format must be trl, openrlhf or raw");
            return ExitCodes.Usage;
        }

        if (records is not ("published" or "all"))
        {
            await errors.WriteLineAsync("--records must be published or all");
            return ExitCodes.Usage;
        }

        return await WithLeaguesAsync(leagues => WriteRoundAsync(leagues, league, round, kind, records == "published", file, cancellationToken), cancellationToken);
    }

    private async Task<AgentsConnection> OpenAsync(CancellationToken cancellationToken) =>
        await AgentsConnection.OpenAsync(cluster, new Dictionary<string, string?>(), cancellationToken);

    private async Task<int> WithLeaguesAsync(Func<LeagueClient, Task> action, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await action(new LeagueClient(connection.Grains));
        return ExitCodes.Ok;
    }

    private async Task WriteRoundAsync(LeagueClient leagues, string league, int round, ExportFormat format, bool published, string file, CancellationToken cancellationToken)
    {
        var export = await leagues.ExportRoundAsync(league, round, format, published);
        await File.WriteAllLinesAsync(file, export.Rows, cancellationToken);
        if (format == ExportFormat.Raw)
        {
            await output.WriteLineAsync($"{export.Rows.Count} game records → {file}");
            return;
        }

        var pairFile = Path.ChangeExtension(file, null) + ".pairs.jsonl";
        await File.WriteAllLinesAsync(pairFile, export.Pairs, cancellationToken);
        await output.WriteLineAsync($"round {round} ({(published ? "published" : "all records")}): {export.Rows.Count} reward rows → {file}, {export.Pairs.Count} pairs → {pairFile}");
    }

    private async Task PrintAsync(LeagueStatus status, string? plot)
    {
        await output.WriteAsync(LeagueTable.Render(status));
        if (plot is { Length: > 0 })
        {
            RoundPlot.Save(status, plot);
            await output.WriteLineAsync($"plot → {plot}");
        }
    }
}

/// <summary>The text <c>agents selfplay status</c> prints: state, options and one line per round.</summary>
internal static class LeagueTable
{
    /// <summary>The status as lines of text.</summary>
    public static string Render(LeagueStatus status)
    {
        var text = new System.Text.StringBuilder();
        var spec = status.Spec;
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"league {status.League}: {status.State}, round {(spec is not null && status.State == LeagueStates.Completed ? spec.Rounds : status.Round)}{(spec is null ? "" : $"/{spec.Rounds}")}, in flight {status.InFlight}, failed attempts {status.Failed}"));
        if (status.PauseReason is { } reason)
        {
            text.AppendLine($"paused by the league: {reason} (`agents selfplay resume --league {status.League}` once fixed)");
        }

        if (status.Fault is { } fault)
        {
            text.AppendLine($"last fault of the league's driver (it goes on by itself): {fault}");
        }

        if (spec is not null)
        {
            text.AppendLine("options: " + string.Join(' ', spec.Options));
        }

        text.AppendLine("round closed games valid failed no_solution critic_acc_attacked critic_acc_original gen_vs_solver gen_vs_critic invalid_attack published pairs calls tokens generator critic");
        foreach (var r in status.Rounds)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Round,5} {(r.Closed ? "yes" : "no"),6} {r.Games,5} {r.ValidGames,5} {r.FailedGames,6} {r.NoSolutionGames,11} {r.CriticAccuracyAttacked,19:0.000} {r.CriticAccuracyOriginal,19:0.000} {r.GeneratorSuccessVsSolver,13:0.000} {r.GeneratorSuccessVsCritic,13:0.000} {r.InvalidAttackRate,14:0.000} {r.PublishedSamples,9} {r.PublishedPairs,5} {r.Calls,5} {r.PromptTokens + r.CompletionTokens,6} {Or(r.GeneratorModel)} {Or(r.CriticModel)}"));
        }

        return text.ToString();
    }

    private static string Or(string model) => string.IsNullOrEmpty(model) ? "(default)" : model;
}
