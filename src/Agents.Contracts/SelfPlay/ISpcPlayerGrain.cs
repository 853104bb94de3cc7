namespace Agents.Contracts.SelfPlay;

/// <summary>An SPC player (sneaky generator, critic or the solver's validation continuation): answers one prepared prompt.</summary>
[Alias("agents.spc-player")]
public interface ISpcPlayerGrain : IGrainWithIntegerKey
{
    /// <summary>Sends the prompt to the role's model (or <see cref="SpcTurnRequest.Model"/>) and returns the completion.</summary>
    [Alias("play-turn")]
    Task<SpcTurnReply> PlayTurnAsync(SpcTurnRequest request, CancellationToken cancellationToken = default);
}

/// <summary>One chat message of a prompt.</summary>
/// <param name="Role">"system", "user" or "assistant".</param>
/// <param name="Text">The message text.</param>
[GenerateSerializer, Immutable, Alias("agents.spc-message.v1")]
public sealed record SpcMessage([property: Id(0)] string Role, [property: Id(1)] string Text);

/// <summary>A prepared SPC prompt for one model call.</summary>
/// <param name="Role">The model role ("sneaky-generator", "critic", "solver"); picks the default model.</param>
/// <param name="Model">Model spec; empty for the role's default.</param>
/// <param name="Messages">The prompt.</param>
/// <param name="Temperature">Sampling temperature.</param>
/// <param name="MaxTokens">Completion token limit.</param>
/// <param name="Seed">The request seed.</param>
[GenerateSerializer, Immutable, Alias("agents.spc-turn-request.v1")]
public sealed record SpcTurnRequest(
    [property: Id(0)] string Role,
    [property: Id(1)] string Model,
    [property: Id(2)] ImmutableArray<SpcMessage> Messages,
    [property: Id(3)] double Temperature,
    [property: Id(4)] int MaxTokens,
    [property: Id(5)] long Seed);

/// <summary>A player's completion with its token counts.</summary>
/// <param name="Text">The completion.</param>
/// <param name="PromptTokens">Prompt tokens.</param>
/// <param name="CompletionTokens">Completion tokens.</param>
[GenerateSerializer, Immutable, Alias("agents.spc-turn-reply.v1")]
public sealed record SpcTurnReply([property: Id(0)] string Text, [property: Id(1)] long PromptTokens, [property: Id(2)] long CompletionTokens);
