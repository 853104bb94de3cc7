using System.Text;
using Agents.Core.Solving;
using Agents.Inference.Sampling;
using Agents.Inference.Simulation;
using LLama.Batched;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using LLama.Sampling;
using LLama;

namespace Agents.Inference.Gguf;

/// <summary>
/// The <c>gguf:PATH</c> backend: a GGUF model loaded once (per registry, so once per silo) through LLamaSharp and run
/// in-process on CPU. One request with n choices prefills the prompt once and decodes n forked sequences in one batch;
/// choice i samples with seed <c>SampleSeed.ForChoice(seed, i)</c> (seed 0 when the request sets none), so the same
/// request gives the same text, and n = k in one request equals k single requests with those seeds.
/// Prompts use the model's chat template when it has one, else plain <c>Role: text</c> lines.
/// </summary>
public sealed partial class GgufChatClient : MultiChoiceChatClientBase
{
    private static readonly Lock LogGate = new();
    private static ILogger? _nativeLogger;

    private readonly string _path;
    private readonly GgufOptions _options;
    private readonly ILogger _logger;
    private readonly LLamaWeights _weights;
    private readonly ModelParams _parameters;
    private readonly SemaphoreSlim _slots;
    private readonly ChatClientMetadata _metadata;
    private readonly bool _hasTemplate;

    /// <summary>Loads the model file; throws <see cref="FileNotFoundException"/> or <see cref="InvalidOperationException"/> naming it.</summary>
    public GgufChatClient(string path, GgufOptions? options, ILoggerFactory? loggers)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        _options = options ?? new GgufOptions();
        _logger = (ILogger?)loggers?.CreateLogger<GgufChatClient>() ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        RouteNativeLogs(loggers);
        if (!File.Exists(_path))
        {
            throw new FileNotFoundException($"gguf: model file '{_path}' does not exist.", _path);
        }

        _parameters = new ModelParams(_path) { ContextSize = (uint)_options.ContextSize, GpuLayerCount = 0 };
        if (_options.Threads > 0)
        {
            _parameters.Threads = _options.Threads;
        }

        try
        {
            _weights = LLamaWeights.LoadFromFile(_parameters);
        }
        catch (Exception ex) when (ex is LoadWeightsFailedException or RuntimeError or DllNotFoundException or TypeInitializationException)
        {
            throw new InvalidOperationException(
                $"gguf: cannot load '{_path}' ({ex.Message}). The host needs the LLamaSharp.Backend.Cpu native libraries and a valid GGUF file.", ex);
        }

        _hasTemplate = HasTemplate(_weights);
        _slots = new SemaphoreSlim(_options.MaxConcurrency > 0 ? _options.MaxConcurrency : Environment.ProcessorCount);
        _metadata = new ChatClientMetadata("gguf", new Uri(_path), Path.GetFileNameWithoutExtension(_path));
        LogLoaded(_logger, _path, _weights.Vocab.Count, _hasTemplate);
    }

    /// <summary>The model file.</summary>
    public string ModelPath => _path;

    /// <summary>Tokens of a text under the model's tokenizer (no BOS).</summary>
    public int CountTokens(string text) => _weights.Tokenize(text ?? string.Empty, add_bos: false, special: false, Encoding.UTF8).Length;

    /// <summary>
    /// The prompt text the model sees for these messages. A final assistant message is a prefill: the assistant turn is
    /// opened and its text written into it unclosed, so the model continues it (docs/inference.md).
    /// </summary>
    public string RenderPrompt(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var prefill = MultiChoiceResult.EndsWithPrefill(list) ? list[^1].Text : null;
        var turns = prefill is null ? list : list.Take(list.Count - 1);
        if (_hasTemplate)
        {
            var template = new LLamaTemplate(_weights) { AddAssistant = true };
            foreach (var message in turns)
            {
                template.Add(message.Role.Value, message.Text);
            }

            return Encoding.UTF8.GetString(template.Apply()) + prefill;
        }

        var builder = new StringBuilder();
        foreach (var message in turns)
        {
            builder.Append(Capitalised(message.Role.Value)).Append(": ").Append(message.Text).Append('\n');
        }

        return builder.Append("Assistant: ").Append(prefill).ToString();
    }

    /// <inheritdoc/>
    public override async Task<MultiChoiceResult> GetChoicesAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, int n, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var prompt = RenderPrompt(list);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await GenerateAsync(prompt, options, n, cancellationToken).ConfigureAwait(false);
            return MultiChoiceResult.EndsWithPrefill(list) ? result with { Prefill = Core.Solving.Prefill.Prefilled } : result;
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <inheritdoc/>
    protected override ChatClientMetadata Metadata => _metadata;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _weights.Dispose();
            _slots.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<MultiChoiceResult> GenerateAsync(string prompt, ChatOptions? options, int n, CancellationToken cancellationToken)
    {
        var contextParams = new ModelParams(_path)
        {
            ContextSize = _parameters.ContextSize,
            GpuLayerCount = 0,
            SeqMax = (uint)n,
        };
        if (_options.Threads > 0)
        {
            contextParams.Threads = _options.Threads;
        }

        using var executor = new BatchedExecutor(_weights, contextParams);
        var tokens = executor.Context.Tokenize(prompt, addBos: true, special: false);
        var maxTokens = Math.Min(options?.MaxOutputTokens ?? _options.DefaultMaxTokens, Math.Max(1, ((int)(_parameters.ContextSize ?? 512) - tokens.Length) / n));
        var root = executor.Create();
        root.Prompt(tokens);
        await InferAsync(executor, cancellationToken).ConfigureAwait(false);

        var seed = options?.Seed ?? 0;
        var conversations = new Conversation[n];
        var samplers = new DefaultSamplingPipeline[n];
        var decoders = new StreamingTokenDecoder[n];
        var counts = new int[n];
        var done = new bool[n];
        var vocab = executor.Context.NativeHandle.ModelHandle.Vocab;
        try
        {
            for (var i = 0; i < n; i++)
            {
                conversations[i] = i == 0 ? root : root.Fork();
                samplers[i] = new DefaultSamplingPipeline
                {
                    Seed = unchecked((uint)SampleSeed.ForChoice(seed, i)),
                    Temperature = options?.Temperature ?? 1f,
                    TopP = options?.TopP ?? 1f,
                    TopK = options?.TopK ?? 0,
                };
                decoders[i] = new StreamingTokenDecoder(executor.Context);
            }

            for (var step = 0; step < maxTokens && done.Contains(false); step++)
            {
                for (var i = 0; i < n; i++)
                {
                    if (done[i] || !conversations[i].RequiresSampling)
                    {
                        continue;
                    }

                    var token = conversations[i].Sample(samplers[i]);
                    samplers[i].Accept(token);
                    if (token.IsEndOfGeneration(vocab))
                    {
                        done[i] = true;
                        continue;
                    }

                    decoders[i].Add(token);
                    counts[i]++;
                    if (step + 1 < maxTokens)
                    {
                        conversations[i].Prompt(token);
                    }
                }

                if (step + 1 < maxTokens && done.Contains(false))
                {
                    await InferAsync(executor, cancellationToken).ConfigureAwait(false);
                }
            }

            var choices = decoders.Select(d => d.Read()).ToArray();
            return new MultiChoiceResult(choices, tokens.Length, counts.Sum());
        }
        finally
        {
            foreach (var conversation in conversations)
            {
                conversation?.Dispose();
            }

            foreach (var sampler in samplers)
            {
                sampler?.Dispose();
            }
        }
    }

    private static async Task InferAsync(BatchedExecutor executor, CancellationToken cancellationToken)
    {
        var result = await executor.Infer(cancellationToken).ConfigureAwait(false);
        if (result != DecodeResult.Ok)
        {
            throw new ModelBackendException($"gguf: decoding failed ({result}); the prompt and outputs may not fit the context (Agents:Gguf:ContextSize).");
        }
    }

    private static bool HasTemplate(LLamaWeights weights)
    {
        try
        {
            _ = new LLamaTemplate(weights);
            return true;
        }
        catch (TemplateNotFoundException)
        {
            // Base models (such as stories260K) have none; they get plain "Role: text" lines.
            return false;
        }
    }

    private static string Capitalised(string role) =>
        role.Length == 0 ? role : string.Concat(char.ToUpperInvariant(role[0]).ToString(), role[1..]);

    // llama.cpp logs through one process-wide callback, which must be set before the first native call.
    private static void RouteNativeLogs(ILoggerFactory? loggers)
    {
        lock (LogGate)
        {
            if (_nativeLogger is not null)
            {
                return;
            }

            _nativeLogger = (ILogger?)loggers?.CreateLogger("LLama.Native") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
            try
            {
                NativeLibraryConfig.All.WithLogCallback((level, message) => LogNative(_nativeLogger, level.ToString(), message.TrimEnd()));
            }
            catch (InvalidOperationException)
            {
                // The native library was loaded before this client (by another LLamaSharp user); its logging stays as set there.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded GGUF model {Path} (vocabulary {Vocabulary}, chat template {HasTemplate})")]
    private static partial void LogLoaded(ILogger logger, string path, int vocabulary, bool hasTemplate);

    [LoggerMessage(Level = LogLevel.Debug, Message = "llama.cpp [{Level}] {Message}")]
    private static partial void LogNative(ILogger logger, string level, string message);
}
