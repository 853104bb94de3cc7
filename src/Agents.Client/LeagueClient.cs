using Agents.Contracts.SelfPlay;
using Agents.Core.SelfPlay;
using Agents.Grains.SelfPlay;

namespace Agents.Client;

/// <summary>What an export of a round produced: the lines of the main file and, for trl/openrlhf, of the pairs file.</summary>
/// <param name="Rows">Raw game records (one per record), or reward rows (one per sample).</param>
/// <param name="Pairs">Chosen/rejected pairs (one per pair); empty for raw exports.</param>
public sealed record RoundExport(IReadOnlyList<string> Rows, IReadOnlyList<string> Pairs);

/// <summary>
/// Talks to self-play league grains: start, wait, status, pause, resume, switch models, export and delete a round's records or
/// published dataset. One implementation for the CLI and the HTTP API.
/// </summary>
/// <param name="grains">The grain factory of an embedded silo or of a cluster client.</param>
/// <param name="time">The clock behind the wait for a league to finish; null = the system clock.</param>
public sealed class LeagueClient(IGrainFactory grains, TimeProvider? time = null)
{
    /// <summary>How often <see cref="WaitWhileRunningAsync"/> asks for the status.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The league grain named <paramref name="league"/>.</summary>
    public ILeagueGrain League(string league) => grains.GetGrain<ILeagueGrain>(league);

    /// <summary>
    /// Starts (or resumes) the league and returns its status; <see cref="InvalidOperationException"/> or
    /// <see cref="ArgumentException"/> when a league of that name has other settings or the settings are refused.
    /// </summary>
    public async Task<LeagueStatus> StartAsync(LeagueSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var league = League(spec.League);
        await league.StartAsync(spec);
        return await league.GetStatusAsync();
    }

    /// <summary>The league's state, options and per-round statistics.</summary>
    public Task<LeagueStatus> GetStatusAsync(string league) => League(league).GetStatusAsync();

    /// <summary>Waits while the league is running (an embedded league lives only as long as its process) and returns its status.</summary>
    public async Task<LeagueStatus> WaitWhileRunningAsync(string league, CancellationToken cancellationToken)
    {
        var status = await GetStatusAsync(league);
        while (status.State is LeagueStates.Running)
        {
            await Task.Delay(PollInterval, _time, cancellationToken);
            status = await GetStatusAsync(league);
        }

        return status;
    }

    /// <summary>Stops launching games; games in flight finish.</summary>
    public Task PauseAsync(string league) => League(league).PauseAsync();

    /// <summary>Resumes a paused league.</summary>
    public Task ResumeAsync(string league) => League(league).ResumeAsync();

    /// <summary>
    /// Deletes a paused or completed league (rounds, records, datasets, games); <see cref="InvalidOperationException"/> while
    /// it runs or games are finishing. Afterwards its status reads <see cref="LeagueStates.None"/> and the name can be reused.
    /// </summary>
    public Task DeleteAsync(string league) => League(league).DeleteAsync();

    /// <summary>Points the generator and critic at new model ids from the next round on (empty = unchanged default).</summary>
    public Task SetModelsAsync(string league, string generatorModel, string criticModel) =>
        League(league).SetModelsAsync(generatorModel, criticModel);

    /// <summary>Every game record of a round, paged out chunk by chunk.</summary>
    public async Task<List<GameRecord>> ReadRecordsAsync(string league, int round)
    {
        var grain = League(league);
        var records = new List<GameRecord>();
        for (var chunk = 0; ;)
        {
            var page = await grain.ExportAsync(round, chunk);
            records.AddRange(page.Records.Select(SpcRecords.ToCore));
            chunk = page.NextChunk;
            if (page.Finished)
            {
                return records;
            }
        }
    }

    /// <summary>
    /// A round as lines: raw game records (every record), or reward rows plus chosen/rejected pairs of the published dataset
    /// (<paramref name="published"/>) or of every record, unbalanced.
    /// </summary>
    public async Task<RoundExport> ExportRoundAsync(string league, int round, ExportFormat format, bool published)
    {
        if (format == ExportFormat.Raw)
        {
            var records = await ReadRecordsAsync(league, round);
            return new RoundExport([.. SpcDataset.RawRows(records)], []);
        }

        RoundDataset dataset;
        if (published)
        {
            dataset = await League(league).ReadDatasetAsync(round);
        }
        else
        {
            var records = await ReadRecordsAsync(league, round);
            dataset = new RoundDataset(SpcDataset.Samples(records), SpcDataset.PreferencePairs(records));
        }

        return new RoundExport([.. SpcDataset.RewardRows(dataset.Samples, format)], [.. SpcDataset.PairRows(dataset.Pairs, format)]);
    }

    /// <summary>Parses an export format name (<c>trl</c>, <c>openrlhf</c>, <c>raw</c>; any case).</summary>
    public static bool TryParseFormat(string text, out ExportFormat format) => Enum.TryParse(text, ignoreCase: true, out format);
}
