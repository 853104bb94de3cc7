using System.Collections.Immutable;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Agents.Core.Answers;
using Agents.Core.Magicore;
using Agents.Core.Simulation;
using Agents.Inference.Accounting;

namespace Agents.Inference.Rewards;

/// <summary>
/// The simulated reward models. PRM: <see cref="SimulatedModel.ScoreSteps"/>, which checks each synthetic step against
/// the problem and errs with <c>PrmMissRate</c> / <c>PrmFalseAlarmRate</c> (<see cref="SimulationOptions"/>). ORM: checks
/// the final boxed answer and errs with the rates of <see cref="SimulatedOrmOptions"/>. One forward pass per model;
/// tokens are counted with <see cref="TokenCounter"/> on the inputs a real server would see. Thread-safe.
/// </summary>
public sealed class SimulatedRewardModel(SimulationOptions? simulation = null, SimulatedOrmOptions? orm = null, int maxParallelism = IRewardModel.DefaultParallelism)
    : IRewardModel
{
    private readonly SimulatedModel _model = new(simulation);
    private readonly SimulatedOrmOptions _orm = orm ?? new SimulatedOrmOptions();

    /// <inheritdoc/>
    public Task<RewardScores> ScoreAsync(RewardRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var outcome = 0.0;
        var ormUsage = TokenUsage.None;
        if (request.RunsOutcome)
        {
            outcome = ChainScore.Sigmoid(RawOutcome(request.Question, request.Chain, request.HasAnswer, request.Seed));
            ormUsage = Pass(TokenCounter.Count(request.Question) + TokenCounter.Count(request.Chain));
        }

        var steps = ImmutableArray<double>.Empty;
        var prmUsage = TokenUsage.None;
        if (request.RunsProcess)
        {
            steps = [.. _model.ScoreSteps(request.Question, request.Steps, request.Seed)];
            prmUsage = Pass(TokenCounter.Count($"{request.Question} {StepSegmentation.FormatForPrm(request.Steps)}"));
        }

        return Task.FromResult(new RewardScores(outcome, steps, ormUsage, prmUsage, 0));
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RewardScores>> ScoreManyAsync(IReadOnlyList<RewardRequest> requests, CancellationToken cancellationToken) =>
        RewardBatch.ScoreAllAsync(this, requests, maxParallelism, cancellationToken);

    /// <summary>The simulated ORM's raw reward (before the sigmoid); see <see cref="SimulatedOrmOptions"/>.</summary>
    public double RawOutcome(string question, string chain, bool hasAnswer, long seed)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(chain);
        var random = new SplitMix(Hash("orm", question, chain, seed));
        var noise = random.NextGaussian() * _orm.RawNoise;
        var problem = SyntheticProblems.TryParse(question);
        if (problem is null)
        {
            return noise;
        }

        var right = hasAnswer && AnswerExtractor.LastBoxed(chain) is { } boxed
            && long.TryParse(boxed.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n == problem.Answer;
        var judgedRight = right ? !random.Chance(_orm.FalseAlarmRate) : random.Chance(_orm.MissRate);
        return (judgedRight ? _orm.RawMean : -_orm.RawMean) + noise;
    }

    private static TokenUsage Pass(long promptTokens) => new(1, 0, promptTokens, 0, 0);

    private static ulong Hash(string role, string question, string chain, long seed) =>
        XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{role}\u001f{question}\u001f{chain}\u001f{seed}")));

    // SplitMix64, as the simulated world uses: a fixed algorithm, so draws do not change with the .NET version.
    private sealed class SplitMix(ulong seed)
    {
        private ulong _state = seed;

        public double NextDouble()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return ((z ^ (z >> 31)) >> 11) * (1.0 / (1UL << 53));
        }

        public bool Chance(double p) => NextDouble() < p;

        public double NextGaussian()
        {
            var u1 = 1.0 - NextDouble();
            var u2 = NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }
    }
}
