using Agents.Inference.Simulation;

namespace Agents.Inference;

/// <summary>
/// A chat client that can return several choices for one request (OpenAI's <c>n</c>); reach it through
/// <c>client.GetService&lt;IMultiChoiceChatClient&gt;()</c>, since <see cref="IChatClient"/> returns one message.
/// </summary>
public interface IMultiChoiceChatClient
{
    /// <summary>Sends one request asking for <paramref name="n"/> choices and returns all of them with the usage.</summary>
    Task<MultiChoiceResult> GetChoicesAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, int n, CancellationToken cancellationToken);
}
