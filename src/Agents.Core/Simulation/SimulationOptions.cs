using System.ComponentModel.DataAnnotations;

namespace Agents.Core.Simulation;

/// <summary>
/// The named rates of the simulated model (docs/simulation.md). Defaults give a single T=0.8 sample about 94% accuracy
/// on 2-step problems, 90% on 3-step, 84% on 4-step and 55% on 8-step ones; greedy decoding is better (about 95%, 93%,
/// 91%, 73%). Expected accuracy = (1 − ForgetAnswerRate) × (1 − p)^steps with p = <see cref="SlipProbability"/>.
/// </summary>
public sealed record SimulationOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Agents:Simulation";

    /// <summary>The default rates.</summary>
    public static SimulationOptions Default { get; } = new();

    /// <summary>Per-step slip probability of a greedy (T=0) solver on a 1-step problem.</summary>
    [Range(0.0, 1.0)]
    public double SlipBase { get; init; } = 0.01;

    /// <summary>Relative growth of the per-step slip probability per extra step of the problem: factor 1 + SlipPerStep × (steps − 1).</summary>
    [Range(0.0, 100.0)]
    public double SlipPerStep { get; init; } = 0.38;

    /// <summary>Relative growth of the per-step slip probability with sampling temperature: factor 1 + SlipPerTemperature × T.</summary>
    [Range(0.0, 100.0)]
    public double SlipPerTemperature { get; init; } = 1.0;

    /// <summary>Upper bound of the per-step slip probability, whatever the difficulty and temperature.</summary>
    [Range(0.0, 1.0)]
    public double MaxSlip { get; init; } = 0.9;

    /// <summary>Probability that a solver chain ends without its boxed answer ("So Mia has 17 apples now." instead).</summary>
    [Range(0.0, 1.0)]
    public double ForgetAnswerRate { get; init; } = 0.02;

    /// <summary>Probability that the refiner fixes the first wrong step and recomputes the rest correctly; otherwise it slips again at that step and redoes the rest with ordinary slips.</summary>
    [Range(0.0, 1.0)]
    public double RefineFixRate { get; init; } = 0.6;

    /// <summary>Probability that the refiner, given an already correct solution, introduces a slip at a random step.</summary>
    [Range(0.0, 1.0)]
    public double RefineBreakRate { get; init; } = 0.05;

    /// <summary>Probability that the step checker (simulated PRM) judges a wrong step right.</summary>
    [Range(0.0, 1.0)]
    public double PrmMissRate { get; init; } = 0.1;

    /// <summary>Probability that the step checker (simulated PRM) judges a right step wrong.</summary>
    [Range(0.0, 1.0)]
    public double PrmFalseAlarmRate { get; init; } = 0.05;

    /// <summary>Mean step score of a step judged right; a step judged wrong has mean 1 − this.</summary>
    [Range(0.5, 1.0)]
    public double PrmRightScore { get; init; } = 0.9;

    /// <summary>Standard deviation of the Gaussian noise on step scores (scores stay on their side of 0.5).</summary>
    [Range(0.0, 1.0)]
    public double PrmScoreNoise { get; init; } = 0.05;

    /// <summary>The score of every step when the question is outside the synthetic language (no information).</summary>
    [Range(0.0, 1.0)]
    public double PrmUnknownScore { get; init; } = 0.5;

    /// <summary>Probability that the IoRT Reflector's critique locates the first real error of a wrong solution (otherwise it finds nothing).</summary>
    [Range(0.0, 1.0)]
    public double CritiqueDetectRate { get; init; } = 0.7;

    /// <summary>Probability that the IoRT Reflector's critique of a correct solution claims a (right) step is wrong.</summary>
    [Range(0.0, 1.0)]
    public double CritiqueFalseAlarmRate { get; init; } = 0.15;

    /// <summary>Probability that the IoRT Reflector's revision fixes an error its critique located (otherwise it slips again at that step).</summary>
    [Range(0.0, 1.0)]
    public double ReviseFixRate { get; init; } = 0.6;

    /// <summary>
    /// Overcorrection: probability that the IoRT Reflector's revision follows a false alarm and breaks the right step it
    /// flagged (otherwise it keeps the solution). A correct solution is broken per reflection with probability
    /// CritiqueFalseAlarmRate × OvercorrectRate (0.09 by default): the drift that static reflection loops suffer.
    /// </summary>
    [Range(0.0, 1.0)]
    public double OvercorrectRate { get; init; } = 0.6;

    /// <summary>Probability that the IoRT Instructor's check of one response (are its steps right?) gives the true verdict, given a meta-thought.</summary>
    [Range(0.0, 1.0)]
    public double InstructorCheckAccuracy { get; init; } = 0.9;

    /// <summary>The same accuracy when the Instructor prompt has no meta-thought (the "w/o meta-thought" ablation).</summary>
    [Range(0.0, 1.0)]
    public double InstructorCheckAccuracyWithoutMetaThought { get; init; } = 0.8;

    /// <summary>Probability that the IoRT Instructor says refresh when the answers agree and its check finds an error (else stop).</summary>
    [Range(0.0, 1.0)]
    public double RefreshOnErrorRate { get; init; } = 0.8;

    /// <summary>Probability that the IoRT Instructor says refresh when the answers agree and its check finds no error (else stop).</summary>
    [Range(0.0, 1.0)]
    public double RefreshWhenSoundRate { get; init; } = 0.05;

    /// <summary>SPC sneaky generator: probability of choosing the subtlest offered error type (calculation error, then misread number, then wrong operation) instead of a uniform choice.</summary>
    [Range(0.0, 1.0)]
    public double SneakySubtlety { get; init; } = 0.6;

    /// <summary>SPC sneaky generator: probability that its rewrite keeps the right equation, so the attack fails to make the step wrong.</summary>
    [Range(0.0, 1.0)]
    public double SneakyFailRate { get; init; } = 0.15;

    /// <summary>SPC critic: probability of detecting an obvious wrong step (subtlety 0: wrong operation or input, no equation).</summary>
    [Range(0.0, 1.0)]
    public double CriticDetectObvious { get; init; } = 0.95;

    /// <summary>SPC critic: probability of detecting a subtle wrong step (subtlety 1: result off by at most 3); linear in between.</summary>
    [Range(0.0, 1.0)]
    public double CriticDetectSubtle { get; init; } = 0.55;

    /// <summary>SPC critic: probability of calling a right step incorrect.</summary>
    [Range(0.0, 1.0)]
    public double CriticFalseAlarmRate { get; init; } = 0.08;

    /// <summary>SPC critic: probability that its output has no verdict tag (an invalid output).</summary>
    [Range(0.0, 1.0)]
    public double CriticFormatErrorRate { get; init; } = 0.03;

    /// <summary>Solver continuation: probability of silently recomputing a wrong running count right before continuing (the attack does not stick).</summary>
    [Range(0.0, 1.0)]
    public double ContinueRecoverRate { get; init; } = 0.1;

    /// <summary>
    /// Per-step slip probability: SlipBase × (1 + SlipPerStep × (steps − 1)) × (1 + SlipPerTemperature × T), capped at MaxSlip.
    /// </summary>
    public double SlipProbability(int steps, double temperature) =>
        Math.Min(MaxSlip, SlipBase * (1 + SlipPerStep * Math.Max(0, steps - 1)) * (1 + SlipPerTemperature * Math.Max(0, temperature)));
}
