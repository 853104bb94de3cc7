using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Agents.Testing;

/// <summary>
/// Holds the replies of the chat clients it wraps while closed (open to begin with): a request that arrives while the
/// gate is closed waits until <see cref="Open"/>; one that arrives while it is open goes straight through. With
/// <paramref name="promptContains"/>, only requests whose messages contain that text are held (one problem of a batch);
/// the others always go through. Thread-safe.
/// </summary>
/// <param name="promptContains">Hold only requests with a message containing this text (ordinal), or null to hold every request.</param>
public sealed class HoldGate(string? promptContains = null)
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _open = Completed();
    private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the gate holds its first request since it was last closed: an event a test waits on.</summary>
    public Task Reached
    {
        get
        {
            lock (_lock)
            {
                return _held.Task;
            }
        }
    }

    /// <summary>Holds the requests that arrive from now on until <see cref="Open"/>.</summary>
    public void Close()
    {
        lock (_lock)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Lets every held request (and every later one) through.</summary>
    public void Open()
    {
        lock (_lock)
        {
            _open.TrySetResult();
        }
    }

    /// <summary>The client whose replies this gate holds.</summary>
    public IChatClient Wrap(IChatClient inner) => new Held(inner, this);

    private Task PassAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        if (promptContains is not null && !messages.Any(m => m.Text.Contains(promptContains, StringComparison.Ordinal)))
        {
            return Task.CompletedTask;
        }

        lock (_lock)
        {
            if (_open.Task.IsCompleted)
            {
                return Task.CompletedTask;
            }

            _held.TrySetResult();
            return _open.Task.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource Completed()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private sealed class Held(IChatClient inner, HoldGate gate) : DelegatingChatClient(inner)
    {
        public override async Task<ChatResponse> GetResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            await gate.PassAsync(list, cancellationToken);
            return await base.GetResponseAsync(list, options, cancellationToken);
        }

        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            await gate.PassAsync(list, cancellationToken);
            await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken))
            {
                yield return update;
            }
        }
    }
}
