namespace Agents.Core.Refining;

/// <summary>
/// How a prompt builder emulates the generation prefix of the original prompts over a chat API, which has no way to
/// start the assistant turn with fixed text.
/// </summary>
public enum PrefixStyle
{
    /// <summary>
    /// The prefix is the final, unfinished assistant message (prefill): the backend must continue it instead of opening a
    /// new turn (vLLM <c>continue_final_message=true, add_generation_prompt=false</c>; the simulated model reads it). The
    /// model's reply is then the continuation only.
    /// </summary>
    AssistantPrefill,

    /// <summary>
    /// No trailing assistant message; the system instruction ends by asking the model to begin its reply with the prefix,
    /// for backends that cannot continue a message. The reply may or may not repeat the prefix; the parsers accept both.
    /// </summary>
    Instruction,
}
