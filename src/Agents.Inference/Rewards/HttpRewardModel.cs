using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agents.Inference.Accounting;
using Agents.Inference.Resilience;

namespace Agents.Inference.Rewards;

/// <summary>
/// Reward models served over vLLM's pooling API (<c>vllm serve … --task reward</c>), with retries through
/// <see cref="ModelRetryPipeline"/>. The shapes it targets (field names as in vLLM's <c>PoolingRequest</c>/<c>PoolingResponse</c>):
/// <para>PRM: <c>POST {URL}/{PoolingPath}</c> with <c>{"model": MODEL, "input": "QUESTION STEP1 ки\nSTEP2 ки…"}</c> (the input of
/// docs/algorithms.md §1.6; "model" omitted when the spec names none). The answer's <c>data[0].data</c> must hold exactly one entry per
/// step: either P("+") as a number, or a vector from the STEP pooler (<c>--override-pooler-config '{"pooling_type":"STEP",
/// "step_tag_id":12902,"returned_token_ids":[648,387]}'</c>) whose element <see cref="HttpRewardOptions.PlusIndex"/> is P("+").</para>
/// <para>ORM: <c>POST {OrmEndpoint ?? URL}/{PoolingPath}</c> with <c>{"model": ORM, "messages": [{"role":"user","content":QUESTION},
/// {"role":"assistant","content":CHAIN}]}</c> (or <c>"input": QUESTION + "\n" + CHAIN</c> with <see cref="OrmRequestFormat.Text"/>);
/// <c>data[0].data</c> is the reward as a number, <c>[r]</c> or <c>[[r]]</c>; <c>o = sigmoid(r)</c> unless
/// <see cref="OrmOutputKind.Probability"/>.</para>
/// <para>Both read <c>usage.prompt_tokens</c> when present (else count with <see cref="TokenCounter"/>). 408, 429 and 5xx
/// are retried; other statuses, bodies that are not JSON, missing fields, non-finite or out-of-range scores and a wrong
/// number of step scores fail at once with a <see cref="ModelBackendException"/> that says what was wrong.</para>
/// </summary>
public sealed class HttpRewardModel : IRewardModel, IDisposable
{
    private readonly HttpClient _http;
    private readonly HttpRewardOptions _options;
    private readonly Uri _prmUri;
    private readonly Uri _ormUri;
    private readonly string? _prmModel;
    private readonly string? _ormModel;
    private readonly ModelRetryPipeline _prmRetry;
    private readonly ModelRetryPipeline _ormRetry;
    private readonly int _maxParallelism;

    /// <summary>Creates the client for one reward server (and, optionally, a second one for the ORM).</summary>
    /// <param name="endpoint">The server's base URL, e.g. <c>http://127.0.0.1:8001</c>.</param>
    /// <param name="model">The PRM model name, or null to send none.</param>
    /// <param name="options">Request and response shape.</param>
    /// <param name="retry">Retry limits.</param>
    /// <param name="logger">Where retries are logged.</param>
    /// <param name="maxParallelism">Requests in flight in <see cref="ScoreManyAsync"/>.</param>
    /// <param name="handler">The HTTP handler (tests); null for a new pooled one owned by this client.</param>
    public HttpRewardModel(
        Uri endpoint,
        string? model,
        HttpRewardOptions options,
        ModelRetryOptions retry,
        ILogger? logger = null,
        int maxParallelism = IRewardModel.DefaultParallelism,
        HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(retry);
        _options = options;
        _prmModel = model;
        _ormModel = options.OrmModel ?? model;
        _prmUri = Route(endpoint, options.PoolingPath);
        _ormUri = Route(options.OrmEndpoint ?? endpoint, options.PoolingPath);
        _maxParallelism = maxParallelism;
        _http = handler is null
            ? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
            : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = options.NetworkTimeout;
        logger ??= Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _prmRetry = new ModelRetryPipeline(retry, $"reward server {_prmUri}", _prmModel ?? "(default)", null, logger);
        _ormRetry = new ModelRetryPipeline(retry, $"reward server {_ormUri}", _ormModel ?? "(default)", null, logger);
    }

    /// <inheritdoc/>
    public async Task<RewardScores> ScoreAsync(RewardRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outcome = 0.0;
        var ormUsage = TokenUsage.None;
        if (request.RunsOutcome)
        {
            (outcome, ormUsage) = await ScoreOutcomeAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var steps = ImmutableArray<double>.Empty;
        var prmUsage = TokenUsage.None;
        if (request.RunsProcess)
        {
            (steps, prmUsage) = await ScoreStepsAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return new RewardScores(outcome, steps, ormUsage, prmUsage, 0);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RewardScores>> ScoreManyAsync(IReadOnlyList<RewardRequest> requests, CancellationToken cancellationToken) =>
        RewardBatch.ScoreAllAsync(this, requests, _maxParallelism, cancellationToken);

    /// <summary>The PRM input string: the question, a space, then each step closed by the step tag, steps separated by newlines.</summary>
    public string PrmInput(string question, IReadOnlyList<string> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return $"{question} {string.Join("\n", steps.Select(s => $"{s} {_options.StepTag}"))}";
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private async Task<(ImmutableArray<double> Scores, TokenUsage Usage)> ScoreStepsAsync(RewardRequest request, CancellationToken cancellationToken)
    {
        var input = PrmInput(request.Question, request.Steps);
        var body = new JsonObject();
        if (_prmModel is not null)
        {
            body["model"] = _prmModel;
        }

        body["input"] = input;
        var (root, retries) = await PostAsync(_prmRetry, _prmUri, _prmModel, body, cancellationToken).ConfigureAwait(false);
        var fail = Failer(_prmUri, _prmModel, "PRM", retries + 1);
        var data = PooledData(root, fail);
        if (data.ValueKind != JsonValueKind.Array)
        {
            throw fail($"data[0].data is {data.ValueKind}, expected an array of {request.Steps.Count} step scores");
        }

        var count = data.GetArrayLength();
        if (count != request.Steps.Count)
        {
            throw fail($"{count} step score(s) for {request.Steps.Count} step(s) (one per '{_options.StepTag}' tag expected)");
        }

        var scores = ImmutableArray.CreateBuilder<double>(count);
        var i = 0;
        foreach (var entry in data.EnumerateArray())
        {
            var value = entry.ValueKind switch
            {
                JsonValueKind.Number => entry,
                JsonValueKind.Array when entry.GetArrayLength() > _options.PlusIndex => entry[_options.PlusIndex],
                _ => throw fail($"step score {i} is {Describe(entry)}, expected a number or a vector with P(\"+\") at index {_options.PlusIndex}"),
            };
            scores.Add(Probability(value, $"step score {i}", fail));
            i++;
        }

        return (scores.MoveToImmutable(), Usage(root, input, retries));
    }

    private async Task<(double Outcome, TokenUsage Usage)> ScoreOutcomeAsync(RewardRequest request, CancellationToken cancellationToken)
    {
        var body = new JsonObject();
        if (_ormModel is not null)
        {
            body["model"] = _ormModel;
        }

        if (_options.OrmRequest == OrmRequestFormat.Messages)
        {
            body["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = request.Question },
                new JsonObject { ["role"] = "assistant", ["content"] = request.Chain });
        }
        else
        {
            body["input"] = $"{request.Question}\n{request.Chain}";
        }

        var (root, retries) = await PostAsync(_ormRetry, _ormUri, _ormModel, body, cancellationToken).ConfigureAwait(false);
        var fail = Failer(_ormUri, _ormModel, "ORM", retries + 1);
        var data = PooledData(root, fail);
        while (data.ValueKind == JsonValueKind.Array && data.GetArrayLength() == 1)
        {
            data = data[0];
        }

        if (data.ValueKind != JsonValueKind.Number)
        {
            throw fail($"data[0].data is {Describe(data)}, expected a number, [r] or [[r]]");
        }

        double outcome;
        if (_options.OrmOutput == OrmOutputKind.Probability)
        {
            outcome = Probability(data, "the outcome score", fail);
        }
        else
        {
            var raw = Finite(data, "the outcome reward", fail);
            outcome = ChainScore.Sigmoid(raw);
        }

        return (outcome, Usage(root, $"{request.Question}\n{request.Chain}", retries));
    }

    private async Task<(JsonElement Root, int Retries)> PostAsync(
        ModelRetryPipeline retry, Uri uri, string? model, JsonObject body, CancellationToken cancellationToken)
    {
        var payload = body.ToJsonString();
        var attempts = 0;
        string text;
        RetryTally tally;
        using (RetryTally.Begin(out tally))
        {
            text = await retry.ExecuteAsync(
                async token =>
                {
                    Interlocked.Increment(ref attempts);
                    using var content = new StringContent(payload, Encoding.UTF8, "application/json");
                    using var response = await _http.PostAsync(uri, content, token).ConfigureAwait(false);
                    var answer = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        return answer;
                    }

                    var status = (int)response.StatusCode;
                    var description = $"HTTP {status} {response.ReasonPhrase}: {Excerpt(answer)}";
                    throw status is 408 or 429 or >= 500
                        ? new HttpRequestException(description, null, response.StatusCode)
                        : new InvalidOperationException(description);
                },
                cancellationToken).ConfigureAwait(false);
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return (document.RootElement.Clone(), tally.Count);
        }
        catch (JsonException)
        {
            throw new ModelBackendException(
                $"reward server {uri} model {model ?? "(default)"}: the response is not JSON: {Excerpt(text)}", uri.ToString(), model, 200, attempts, null);
        }
    }

    private static JsonElement PooledData(JsonElement root, Func<string, ModelBackendException> fail)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw fail("the response has no \"data\" array");
        }

        if (data.GetArrayLength() != 1)
        {
            throw fail($"\"data\" has {data.GetArrayLength()} item(s), expected 1 (one input per request)");
        }

        var item = data[0];
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("data", out var pooled))
        {
            throw fail("data[0] has no \"data\" field");
        }

        return pooled;
    }

    private static double Probability(JsonElement value, string what, Func<string, ModelBackendException> fail)
    {
        var p = Finite(value, what, fail);
        return p is >= 0 and <= 1 ? p : throw fail($"{what} is {p.ToString("R", CultureInfo.InvariantCulture)}, outside [0, 1]");
    }

    private static double Finite(JsonElement value, string what, Func<string, ModelBackendException> fail)
    {
        // vLLM writes NaN as the bare token NaN (not JSON) or as a string; both are refused.
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var d) || !double.IsFinite(d))
        {
            throw fail($"{what} is {Describe(value)}, not a finite number");
        }

        return d;
    }

    private static TokenUsage Usage(JsonElement root, string input, int retries)
    {
        var tokens = root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
            && usage.TryGetProperty("prompt_tokens", out var p) && p.TryGetInt64(out var n)
            ? n
            : TokenCounter.Count(input);
        return new TokenUsage(1, 0, tokens, 0, retries);
    }

    // A malformed body is a protocol mismatch (wrong server, model or pooler config), so it is not retried.
    private static Func<string, ModelBackendException> Failer(Uri uri, string? model, string role, int attempts) => reason =>
        new ModelBackendException($"reward server {uri} model {model ?? "(default)"}: malformed {role} response: {reason}", uri.ToString(), model, 200, attempts, null);

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Excerpt(value.GetString() ?? string.Empty)}\"",
        JsonValueKind.Undefined => "missing",
        _ => $"{value.ValueKind.ToString().ToLowerInvariant()} {Excerpt(value.GetRawText())}",
    };

    private static string Excerpt(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static Uri Route(Uri endpoint, string path)
    {
        var root = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        return new Uri(root, path.TrimStart('/'));
    }
}
