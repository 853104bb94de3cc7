using System.Globalization;
using System.Text.RegularExpressions;

namespace Agents.Dashboard.Services;

/// <summary>One message of a run as the timeline draws it: its lane, a one-line excerpt and what was parsed out of it.</summary>
public sealed record TimelineMessage(
    TranscriptEntry Entry,
    string Lane,
    string Excerpt,
    Classification? Classification,
    IReadOnlyList<ChainScores> Scores);

/// <summary>MAgICoRe's per-iteration classification facts.</summary>
public sealed record Classification(int Iteration, bool Hard, string Majority, double Q, bool Cond1, double ConfidenceOrm, double ConfidencePrm);

/// <summary>One chain's outcome (ORM) score and process (PRM) step scores.</summary>
public sealed record ChainScores(int Chain, double Orm, IReadOnlyList<double> Prm);

/// <summary>A round of a run: its number and its messages in order.</summary>
public sealed record TimelineRound(int Round, IReadOnlyList<TimelineMessage> Messages);

/// <summary>
/// Turns a run's transcript into the timeline the run page draws: one lane per agent in a fixed order, rounds as sections,
/// and the facts a message carries (MAgICoRe's classification, the reward models' chain scores) parsed from its text.
/// </summary>
public static partial class RunTimeline
{
    /// <summary>
    /// The lanes in the order they are drawn (the run itself first, so its requests, classifications and decisions span the
    /// width); agents not listed come after, in order of appearance.
    /// </summary>
    public static readonly ImmutableArray<string> LaneOrder =
        ["run", "solver", "scorer", "reviewer", "refiner", "instructor", "meta-thinker", "generator", "reflector", "critic"];

    /// <summary>The lanes of a transcript: the senders, in <see cref="LaneOrder"/>.</summary>
    public static ImmutableArray<string> Lanes(IEnumerable<TranscriptEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var seen = entries.Select(e => e.From).Distinct(StringComparer.Ordinal).ToList();
        return [.. seen.OrderBy(l => LaneOrder.IndexOf(l) is var i and >= 0 ? i : LaneOrder.Length + seen.IndexOf(l))];
    }

    /// <summary>The transcript grouped into rounds (ascending), messages in sequence order within each.</summary>
    public static IReadOnlyList<TimelineRound> Build(IEnumerable<TranscriptEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return [.. entries.OrderBy(e => e.Seq).GroupBy(e => e.Round).OrderBy(g => g.Key)
            .Select(g => new TimelineRound(g.Key, [.. g.Select(ToMessage)]))];
    }

    /// <summary>One message with its parsed facts.</summary>
    public static TimelineMessage ToMessage(TranscriptEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new TimelineMessage(
            entry, entry.From, Excerpt(entry.Text, 140),
            entry.Kind == "classification" ? ParseClassification(entry.Text) : null,
            entry.Kind == "scores" ? ParseScores(entry.Text) : []);
    }

    /// <summary>The text on one line (whitespace collapsed), cut to <paramref name="max"/> characters.</summary>
    public static string Excerpt(string text, int max)
    {
        var flat = Whitespace().Replace(text ?? "", " ").Trim();
        return flat.Length <= max ? flat : string.Concat(flat.AsSpan(0, max - 1), "…");
    }

    /// <summary>Parses <c>iteration T: hard; M='54' Q=-1.679 cond1=False conf_orm=0.1 conf_prm=0.2 …</c>; null when it does not read so.</summary>
    public static Classification? ParseClassification(string text)
    {
        var m = ClassificationPattern().Match(text ?? "");
        if (!m.Success)
        {
            return null;
        }

        return new Classification(
            int.Parse(m.Groups["t"].Value, CultureInfo.InvariantCulture), m.Groups["c"].Value == "hard", m.Groups["m"].Value,
            Number(m.Groups["q"].Value), bool.Parse(m.Groups["cond"].Value), Number(m.Groups["orm"].Value), Number(m.Groups["prm"].Value));
    }

    /// <summary>Parses the scorer's lines <c>chain I: orm=0.081 prm=[0.07, 0.12]</c>; lines that do not read so are skipped.</summary>
    public static IReadOnlyList<ChainScores> ParseScores(string text)
    {
        var chains = new List<ChainScores>();
        foreach (Match m in ScoresPattern().Matches(text ?? ""))
        {
            var prm = m.Groups["prm"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(Number).ToList();
            chains.Add(new ChainScores(int.Parse(m.Groups["i"].Value, CultureInfo.InvariantCulture), Number(m.Groups["orm"].Value), prm));
        }

        return chains;
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"iteration (?<t>\d+): (?<c>hard|easy); M='(?<m>[^']*)' Q=(?<q>[-+0-9.eE]+|NaN) cond1=(?<cond>True|False) conf_orm=(?<orm>[-+0-9.eE]+|NaN) conf_prm=(?<prm>[-+0-9.eE]+|NaN)")]
    private static partial Regex ClassificationPattern();

    [GeneratedRegex(@"chain (?<i>\d+): orm=(?<orm>[-+0-9.eE]+|NaN) prm=\[(?<prm>[^\]]*)\]")]
    private static partial Regex ScoresPattern();
}
