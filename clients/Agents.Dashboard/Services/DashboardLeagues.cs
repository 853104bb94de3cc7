using System.Collections.Concurrent;
using System.Globalization;
using Agents.Client;
using Agents.Client.Leagues;
using Agents.Contracts.SelfPlay;
using Agents.Core.SelfPlay;

namespace Agents.Dashboard.Services;

/// <summary>The leagues page's settings for a new league (as <c>agents selfplay start</c>'s).</summary>
/// <param name="Name">League name.</param>
/// <param name="GamesPerRound">Valid games that close a round.</param>
/// <param name="Rounds">Rounds.</param>
/// <param name="Concurrency">Games in flight.</param>
/// <param name="Seed">League seed.</param>
public sealed record LeagueStart(string Name, int GamesPerRound, int Rounds, int Concurrency, long Seed);

/// <summary>
/// The leagues the dashboard lists and the calls its pages make, all through the shared <see cref="LeagueClient"/>: start,
/// status, pause, resume, set models and export a round.
/// </summary>
/// <remarks>
/// League grains cannot be enumerated: the list holds the leagues started through this host (the REST API's
/// <see cref="JobCatalog"/> and this page) and any opened by name.
/// </remarks>
public sealed class DashboardLeagues(LeagueClient client, JobCatalog catalog, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _opened = new(StringComparer.Ordinal);

    /// <summary>The shared league client.</summary>
    public LeagueClient Client => client;

    /// <summary>Known league names, newest first.</summary>
    public IReadOnlyList<string> All =>
    [
        .. catalog.Leagues.Select(l => (l.Id, l.StartedAt)).Concat(_opened.Select(kv => (Id: kv.Key, StartedAt: kv.Value)))
            .GroupBy(l => l.Id, StringComparer.Ordinal).Select(g => (g.Key, Started: g.Min(l => l.StartedAt)))
            .OrderByDescending(l => l.Started).ThenBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key),
    ];

    /// <summary>Adds a league to the list (opened by name).</summary>
    public void Track(string name) => _opened.TryAdd(name, time.GetUtcNow());

    /// <summary>Starts (or resumes) a league with the page's settings and the default models; returns its status.</summary>
    /// <exception cref="ArgumentException">A setting is refused.</exception>
    /// <exception cref="InvalidOperationException">A league of that name has other settings.</exception>
    public async Task<LeagueStatus> StartAsync(LeagueStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        var spec = new LeagueSpec(start.Name.Trim(), start.GamesPerRound, start.Rounds, start.Concurrency, "", "", "", start.Seed)
        {
            Options = SpcOptionsText.Canonical([]),
        };
        var status = await client.StartAsync(spec);
        catalog.AddLeague(new CatalogEntry(spec.League, "spc", "", time.GetUtcNow()));
        return status;
    }

    /// <summary>The league's status (state <see cref="LeagueStates.None"/> before it is started).</summary>
    public Task<LeagueStatus> StatusAsync(string name) => client.GetStatusAsync(name);

    /// <summary>The two charts of the league page: critic accuracy and generator success per closed round.</summary>
    public static IReadOnlyList<(string Title, IReadOnlyList<RoundSeries> Series)> Charts(LeagueStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var series = RoundPlot.Series(status.Rounds);
        return
        [
            ("Critic accuracy per round", [.. series.Where(s => s.Name.StartsWith("critic", StringComparison.Ordinal))]),
            ("Generator success per round", [.. series.Where(s => s.Name.StartsWith("generator", StringComparison.Ordinal))]),
        ];
    }

    /// <summary>The chart's content in words (for assistive technology): each line's rate per round.</summary>
    public static string Describe(string title, IReadOnlyList<RoundSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0 || series[0].Rounds.Length == 0)
        {
            return $"{title}: no closed round yet";
        }

        return $"{title}: " + string.Join("; ", series.Select(s =>
            $"{s.Name} " + string.Join(", ", s.Rounds.Select((r, i) => string.Create(CultureInfo.InvariantCulture, $"round {r:0} {s.Percent[i]:F1}%")))));
    }

    /// <summary>The download name of a round's export, as the REST API names it.</summary>
    public static string ExportFileName(string league, int round, string format, bool pairs) =>
        string.Create(CultureInfo.InvariantCulture, $"{league}.r{round}.{format.ToLowerInvariant()}{(pairs ? ".pairs" : "")}.jsonl");
}
