using System.Collections.Concurrent;

namespace Agents.Client;

/// <summary>A job or league this host started, for the lists (the grains hold the state; this only remembers names).</summary>
/// <param name="Id">The job id or league name.</param>
/// <param name="Strategy">The strategy (jobs) or "spc" (leagues).</param>
/// <param name="Model">The base model name as asked for ("" = the silos' default).</param>
/// <param name="StartedAt">When this host started it.</param>
public sealed record CatalogEntry(string Id, string Strategy, string Model, DateTimeOffset StartedAt);

/// <summary>
/// The jobs and leagues started through this host, newest first. It lives in the host's memory: after a restart the
/// lists start empty, while every job and league stays reachable by id.
/// </summary>
public sealed class JobCatalog
{
    private readonly ConcurrentDictionary<string, CatalogEntry> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CatalogEntry> _leagues = new(StringComparer.Ordinal);

    /// <summary>Remembers a job (the first submission of an id wins).</summary>
    public void AddJob(CatalogEntry entry) => _jobs.TryAdd(entry.Id, entry);

    /// <summary>Remembers a league.</summary>
    public void AddLeague(CatalogEntry entry) => _leagues.TryAdd(entry.Id, entry);

    /// <summary>The job entry of an id, or null.</summary>
    public CatalogEntry? Job(string id) => _jobs.GetValueOrDefault(id);

    /// <summary>Every job, newest first.</summary>
    public IReadOnlyList<CatalogEntry> Jobs => [.. _jobs.Values.OrderByDescending(e => e.StartedAt).ThenBy(e => e.Id, StringComparer.Ordinal)];

    /// <summary>Every league, newest first.</summary>
    public IReadOnlyList<CatalogEntry> Leagues => [.. _leagues.Values.OrderByDescending(e => e.StartedAt).ThenBy(e => e.Id, StringComparer.Ordinal)];
}
