using Agents.Core.Strategies;

namespace Agents.Core.SelfRefine;

/// <summary>
/// What a <c>self-refine</c> spec records besides k, rounds and sampling: the loop's form. <see cref="Codec"/> is the only
/// place the key is spelled.
/// </summary>
public sealed record SelfRefineRunOptions
{
    /// <summary>One call per round (the official loop, default) or a feedback call and a rewrite call.</summary>
    public SelfRefineForm Form { get; init; } = SelfRefineForm.OneCall;

    /// <summary>Names, defaults, parsing and validation of the options.</summary>
    public static OptionCodec<SelfRefineRunOptions> Codec { get; } = new("self-refine", new(),
    [
        new("form", "one-call (default; feedback and rewrite in one completion, as the official loop) | two-call",
            o => SelfRefineOptions.FormName(o.Form), (o, v) => o with { Form = SelfRefineOptions.ParseForm(v) }),
    ]);
}
