using System.ComponentModel.DataAnnotations;

namespace Agents.Inference.Rewards;

/// <summary>Which reward backend a run uses and how each backend behaves.</summary>
public sealed class RewardOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Agents:Rewards";

    /// <summary>The reward spec used when a run names none (see <see cref="RewardSpec.AcceptedForms"/>).</summary>
    [Required]
    public string Default { get; set; } = "sim";

    /// <summary>Reward backends clients may name (<c>Agents:Rewards:Named:NAME = SPEC</c>); see <see cref="ModelAllowList"/>.</summary>
    public Dictionary<string, string> Named { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How many chains <see cref="IRewardModel.ScoreManyAsync"/> scores at once.</summary>
    [Range(1, 1024)]
    public int MaxParallelism { get; set; } = IRewardModel.DefaultParallelism;

    /// <summary>The reward-server (vLLM pooling API) settings.</summary>
    [Required]
    public HttpRewardOptions Http { get; set; } = new();

    /// <summary>The generative judge's settings.</summary>
    [Required]
    public JudgeRewardOptions Judge { get; set; } = new();

    /// <summary>The simulated ORM's rates (the simulated PRM's come from <c>Agents:Simulation</c>).</summary>
    [Required]
    public SimulatedOrmOptions SimulatedOrm { get; set; } = new();
}

/// <summary>How the ORM request carries the chain.</summary>
public enum OrmRequestFormat
{
    /// <summary><c>"messages": [{user: question}, {assistant: chain}]</c>, as MAgICoRe feeds InternLM2-reward (vLLM applies the chat template).</summary>
    Messages,

    /// <summary><c>"input": question + "\n" + chain</c>, for servers or vLLM versions without chat pooling.</summary>
    Text,
}

/// <summary>What the ORM's pooled value is.</summary>
public enum OrmOutputKind
{
    /// <summary>A raw reward (a logit); <c>o = sigmoid(raw)</c> as in MAgICoRe.</summary>
    Raw,

    /// <summary>Already a probability in [0, 1]; used as <c>o</c>.</summary>
    Probability,
}

/// <summary>The request and response shape of the reward server (docs in <see cref="HttpRewardModel"/>).</summary>
public sealed class HttpRewardOptions
{
    /// <summary>The pooling route under the spec's URL; vLLM serves <c>/pooling</c> (use <c>v1/pooling</c> behind a prefixing proxy).</summary>
    [Required]
    public string PoolingPath { get; set; } = "pooling";

    /// <summary>The ORM's model name; null sends the spec's model (one server hosting both) or none.</summary>
    public string? OrmModel { get; set; }

    /// <summary>A second server for the ORM (vLLM serves one model per process); null uses the spec's URL.</summary>
    public Uri? OrmEndpoint { get; set; }

    /// <summary>How the ORM request carries the chain.</summary>
    public OrmRequestFormat OrmRequest { get; set; } = OrmRequestFormat.Messages;

    /// <summary>Whether the ORM's value is a raw reward (sigmoid applied) or a probability.</summary>
    public OrmOutputKind OrmOutput { get; set; } = OrmOutputKind.Raw;

    /// <summary>
    /// In a per-step vector (vLLM's STEP pooler with <c>returned_token_ids</c>), the position of P("+");
    /// 0 for <c>returned_token_ids: [648, 387]</c> ("+" first, as Math-Shepherd's docs serve it).
    /// </summary>
    [Range(0, 1024)]
    public int PlusIndex { get; set; }

    /// <summary>The step tag closing each step in the PRM input.</summary>
    [Required]
    public string StepTag { get; set; } = Core.Magicore.StepSegmentation.StepTag;

    /// <summary>The time one HTTP request may take (the retry pipeline's per-attempt timeout also applies).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The generative judge's prompt and parsing settings.</summary>
public sealed class JudgeRewardOptions
{
    /// <summary>The judge's sampling temperature (0: greedy, so scores depend only on the chain).</summary>
    [Range(0.0, 2.0)]
    public double Temperature { get; set; }

    /// <summary>The judge's token limit.</summary>
    [Range(16, 100_000)]
    public int MaxTokens { get; set; } = 1024;

    /// <summary>The score given to a step (or the outcome) the judge's reply did not score; each such gap counts one failure.</summary>
    [Range(0.0, 1.0)]
    public double NeutralScore { get; set; } = 0.5;
}

/// <summary>
/// The simulated ORM: it compares the chain's last <c>\boxed{}</c> with the synthetic problem's answer, flips that verdict
/// with <see cref="MissRate"/> (a wrong or missing answer judged right) or <see cref="FalseAlarmRate"/> (a right answer judged
/// wrong), draws a raw reward ~ N(±<see cref="RawMean"/>, <see cref="RawNoise"/>) (+ when judged right) and returns
/// <c>o = sigmoid(raw)</c>. A question outside the synthetic language draws raw ~ N(0, RawNoise). Deterministic in
/// (question, chain, seed).
/// </summary>
public sealed class SimulatedOrmOptions
{
    /// <summary>Probability that a wrong or missing answer is judged right.</summary>
    [Range(0.0, 1.0)]
    public double MissRate { get; set; } = 0.15;

    /// <summary>Probability that a right answer is judged wrong.</summary>
    [Range(0.0, 1.0)]
    public double FalseAlarmRate { get; set; } = 0.1;

    /// <summary>The mean raw reward of a chain judged right (judged wrong: its negative); sigmoid(2) ≈ 0.88.</summary>
    [Range(0.0, 20.0)]
    public double RawMean { get; set; } = 2.0;

    /// <summary>The standard deviation of the raw reward.</summary>
    [Range(0.0, 20.0)]
    public double RawNoise { get; set; } = 1.0;
}
