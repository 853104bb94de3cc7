using Microsoft.Extensions.AI;

namespace Agents.Testing;

/// <summary>
/// A backend that is down for one problem: a request whose messages contain <paramref name="text"/> (ordinal) fails with
/// an <see cref="IOException"/> (behind a sim server, the server answers 500); every other request goes through.
/// </summary>
/// <param name="inner">The backend.</param>
/// <param name="text">The text that makes a request fail, e.g. one problem's question.</param>
public sealed class FailsOnText(IChatClient inner, string text) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        messages.Any(m => m.Text.Contains(text, StringComparison.Ordinal))
            ? throw new IOException("backend down for this problem")
            : base.GetResponseAsync(messages, options, cancellationToken);
}
