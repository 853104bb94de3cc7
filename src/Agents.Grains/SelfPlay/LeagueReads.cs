using Agents.Contracts.SelfPlay;
using Agents.Core.SelfPlay;

namespace Agents.Grains.SelfPlay;

/// <summary>Reading a league's paged exports whole (the CLI's export and the tests).</summary>
public static class LeagueReads
{
    /// <summary>The dataset a closed round published, paged out chunk by chunk (empty while the round is open).</summary>
    public static async Task<RoundDataset> ReadDatasetAsync(this ILeagueGrain league, int round)
    {
        ArgumentNullException.ThrowIfNull(league);
        var samples = new List<TrainingSample>();
        var pairs = new List<PreferencePair>();
        for (var chunk = 0; ;)
        {
            var page = await league.ExportDatasetAsync(round, chunk);
            var part = SpcRecords.ToCore(page.Chunk);
            samples.AddRange(part.Samples);
            pairs.AddRange(part.Pairs);
            chunk = page.NextChunk;
            if (page.Finished)
            {
                return new RoundDataset([.. samples], [.. pairs]);
            }
        }
    }
}
