using Agents.Inference.Simulation;

namespace Agents.Inference.Backends;

/// <summary>
/// Gives a client that draws several choices through its own method (the simulated model's
/// <c>GetChoicesAsync</c>) the <see cref="IMultiChoiceChatClient"/> capability, so sampling and the
/// simulated server find it through <c>GetService</c>.
/// </summary>
/// <param name="innerClient">The client answering single requests.</param>
/// <param name="getChoices">Draws n choices in one request.</param>
public sealed class MultiChoiceChatClient(
    IChatClient innerClient,
    Func<IEnumerable<ChatMessage>, ChatOptions?, int, CancellationToken, Task<MultiChoiceResult>> getChoices)
    : DelegatingChatClient(innerClient), IMultiChoiceChatClient
{
    /// <inheritdoc/>
    public Task<MultiChoiceResult> GetChoicesAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, int n, CancellationToken cancellationToken) =>
        getChoices(messages, options, n, cancellationToken);
}
