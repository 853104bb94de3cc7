using Microsoft.ML.Tokenizers;

namespace Agents.Inference.Accounting;

/// <summary>
/// Counts tokens with a real tokenizer (o200k_base) for backends that report no usage, so ledgers look like
/// those of a real server.
/// </summary>
public static class TokenCounter
{
    // OpenAI's chat format adds a few tokens per message (role and separators) and primes the reply.
    private const int TokensPerMessage = 4;
    private const int ReplyPriming = 3;

    private static readonly Lazy<Tokenizer> Encoder = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    /// <summary>The tokens of one text.</summary>
    public static int Count(string? text) => string.IsNullOrEmpty(text) ? 0 : Encoder.Value.CountTokens(text);

    /// <summary>The prompt tokens of a conversation, chat framing included.</summary>
    public static long CountPrompt(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        long total = ReplyPriming;
        foreach (var message in messages)
        {
            total += TokensPerMessage + Count(message.Text);
        }

        return total;
    }
}
