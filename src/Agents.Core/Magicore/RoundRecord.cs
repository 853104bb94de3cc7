namespace Agents.Core.Magicore;

/// <summary>
/// What happened to one problem in one round, for per-round accuracy and hard-share reports: round 0 is the coarse stage
/// (classified, never refined); in round t ≥ 1 the problem was refined when <see cref="Hard"/>.
/// </summary>
/// <param name="Round">0 for the coarse stage, t for refinement iteration t.</param>
/// <param name="Hard">The classification at the start of the round said hard (so round t ≥ 1 refined the pool).</param>
/// <param name="Classification">The classifier's values on the pool the round classified.</param>
/// <param name="PoolAnswers">The answers of the pool the round reports (after the top-k update when refined).</param>
/// <param name="Chosen">The RM-weighted vote over that pool (null when no chain has an answer).</param>
public sealed record RoundRecord(
    int Round,
    bool Hard,
    Classification Classification,
    ImmutableArray<string?> PoolAnswers,
    string? Chosen);
