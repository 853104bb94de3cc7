using System.Runtime.CompilerServices;
using Agents.Inference.Simulation;

namespace Agents.Inference.Sampling;

/// <summary>
/// A backend whose native call returns n choices (in-process GGUF, replay, the simulated model, the cluster's GPU
/// router): single responses, streaming and service lookup are all choice 0 of <see cref="GetChoicesAsync"/>, written
/// here once.
/// </summary>
public abstract class MultiChoiceChatClientBase : IChatClient, IMultiChoiceChatClient
{
    /// <summary>Provider name, address and model id of the backend.</summary>
    protected abstract ChatClientMetadata Metadata { get; }

    /// <inheritdoc/>
    public abstract Task<MultiChoiceResult> GetChoicesAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, int n, CancellationToken cancellationToken);

    /// <inheritdoc/>
    public virtual async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = await GetChoicesAsync(messages, options, 1, cancellationToken).ConfigureAwait(false);
        return MultiChoiceResponses.ToChatResponse(result, Metadata.DefaultModelId);
    }

    /// <summary>Streams the single response as its updates (the backend answers in one piece).</summary>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc/>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(ChatClientMetadata) ? Metadata : serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the backend's resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
