using System.Globalization;
using System.Text.Json;
using Agents.Core.Simulation;
using Agents.Testing;

namespace Agents.Api.Tests;

/// <summary>
/// The official <c>openai</c> npm client (6.30.1, from the committed lock file) against the gateway: models, plain and
/// streamed completions for <c>magicore:sim</c> and <c>sc@8:sim</c>, a 400 it parses and a 401 — and the answer and
/// usage of <c>magicore:sim</c> are exactly those of <c>agents batch --strategy magicore</c> on the same problem with the
/// same seed, μ and σ.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class OpenAINpmClientTests(GatewayFixture fixture)
{
    private static readonly string ClientDirectory = Path.Combine(SharedData.RepoRoot, "tests", "Agents.Api.Tests", "js");

    [NodeFact]
    public async Task OpenAINpmClient_GatewayAndBatch_SameAnswerAndUsage()
    {
        const int Seed = 3;
        var problem = SyntheticProblems.GenerateOne(11, 0).Question;
        await InstallClientAsync();

        var (exit, output, errors) = await CliProcess.RunProgramAsync("node", ["gateway-check.mjs"], ClientDirectory, new Dictionary<string, string>
        {
            ["AGENTS_BASE_URL"] = fixture.Host.V1.ToString(),
            ["AGENTS_KEY"] = GatewayFixture.Key,
            ["AGENTS_PROBLEM"] = problem,
            ["AGENTS_SEED"] = Seed.ToString(CultureInfo.InvariantCulture),
        });
        Assert.True(exit == 0, $"node exited {exit}:\n{output}\n{errors}");
        using var seen = JsonDocument.Parse(output);
        var root = seen.RootElement;

        var models = root.GetProperty("models").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains("magicore:sim", models);
        Assert.Contains("sc@8:sim", models);
        Assert.Contains("spc-search:sim", models);

        var batch = await BatchRowAsync(problem, Seed);
        var magicore = root.GetProperty("magicore");
        Assert.Equal("chat.completion", magicore.GetProperty("object").GetString());
        Assert.Equal("stop", magicore.GetProperty("finish_reason").GetString());
        Assert.Equal(batch.GetProperty("answer").GetString(), magicore.GetProperty("agents").GetProperty("answer").GetString());
        Assert.Contains($"\\boxed{{{batch.GetProperty("answer").GetString()}}}", magicore.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal(batch.GetProperty("prompt_tokens").GetInt64(), magicore.GetProperty("usage").GetProperty("prompt_tokens").GetInt64());
        Assert.Equal(batch.GetProperty("completion_tokens").GetInt64(), magicore.GetProperty("usage").GetProperty("completion_tokens").GetInt64());
        Assert.Equal(batch.GetProperty("samples").GetInt32(), magicore.GetProperty("agents").GetProperty("samples").GetInt32());
        Assert.Equal(batch.GetProperty("rounds").GetInt32(), magicore.GetProperty("agents").GetProperty("rounds").GetInt32());
        Assert.Equal(batch.GetProperty("calls_by_role").ToString(), magicore.GetProperty("agents").GetProperty("calls_by_role").ToString());
        var stats = magicore.GetProperty("agents").GetProperty("stats");
        Assert.Equal((GatewayFixture.Mu, GatewayFixture.Sigma, "configuration"), (stats.GetProperty("mu").GetDouble(), stats.GetProperty("sigma").GetDouble(), stats.GetProperty("source").GetString()));

        // The streamed forms yield several chunks, end with finish_reason and usage, and carry the same answer and totals.
        foreach (var (plain, streamed) in new[] { ("magicore", "magicore_stream"), ("sc", "sc_stream") })
        {
            var whole = root.GetProperty(plain);
            var stream = root.GetProperty(streamed);
            Assert.True(stream.GetProperty("chunks").GetInt32() > 3, streamed);
            Assert.Equal("stop", stream.GetProperty("finish_reason").GetString());
            Assert.Equal(whole.GetProperty("content").GetString(), stream.GetProperty("content").GetString());
            Assert.Equal(whole.GetProperty("usage").GetProperty("total_tokens").GetInt64(), stream.GetProperty("usage").GetProperty("total_tokens").GetInt64());
            Assert.Equal(whole.GetProperty("agents").GetProperty("answer").ToString(), stream.GetProperty("agents").GetProperty("answer").ToString());
        }

        Assert.Equal(8, root.GetProperty("sc").GetProperty("agents").GetProperty("samples").GetInt32());

        var invalid = root.GetProperty("invalid_model");
        Assert.Equal(("BadRequestError", 400, "model_not_found", "model"), (invalid.GetProperty("name").GetString(), invalid.GetProperty("status").GetInt32(), invalid.GetProperty("code").GetString(), invalid.GetProperty("param").GetString()));
        Assert.Contains("unknown strategy 'nosuch'", invalid.GetProperty("message").GetString(), StringComparison.Ordinal);
        var unserved = root.GetProperty("unserved_base");
        Assert.Equal(400, unserved.GetProperty("status").GetInt32());
        Assert.Contains("'gpt-9' is not served", unserved.GetProperty("message").GetString(), StringComparison.Ordinal);
        foreach (var name in new[] { "missing_key", "wrong_key" })
        {
            var refused = root.GetProperty(name);
            Assert.Equal(("AuthenticationError", 401, "invalid_api_key"), (refused.GetProperty("name").GetString(), refused.GetProperty("status").GetInt32(), refused.GetProperty("code").GetString()));
            Assert.DoesNotContain("not-a-key", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    // npm ci from the committed lock file (exactly openai 6.30.1); skipped when node_modules already matches it.
    private static async Task InstallClientAsync()
    {
        if (File.Exists(Path.Combine(ClientDirectory, "node_modules", "openai", "package.json"))
            && File.ReadAllText(Path.Combine(ClientDirectory, "node_modules", "openai", "package.json")).Contains("\"version\": \"6.30.1\"", StringComparison.Ordinal))
        {
            return;
        }

        var (exit, output, errors) = await CliProcess.RunProgramAsync("npm", ["ci", "--no-audit", "--no-fund"], ClientDirectory);
        Assert.True(exit == 0, $"npm ci exited {exit}:\n{output}\n{errors}");
    }

    // `agents batch --strategy magicore` on a one-line file holding the same problem (no id: it is line 1, as the
    // gateway's first choice), the same seed and the host's μ and σ.
    private static async Task<JsonElement> BatchRowAsync(string problem, int seed)
    {
        var directory = Directory.CreateTempSubdirectory("agents-api-batch-");
        try
        {
            var input = Path.Combine(directory.FullName, "one.jsonl");
            await File.WriteAllTextAsync(input, JsonSerializer.Serialize(new { question = problem }) + "\n");
            var output = Path.Combine(directory.FullName, "out.jsonl");
            var (exit, text) = await CliProcess.RunAsync(
                new Dictionary<string, string>(), null, "batch", "--input", input, "--strategy", "magicore", "--output", output,
                "--seed", seed.ToString(CultureInfo.InvariantCulture),
                "--mu", GatewayFixture.Mu.ToString("R", CultureInfo.InvariantCulture), "--sigma", GatewayFixture.Sigma.ToString("R", CultureInfo.InvariantCulture));
            Assert.True(exit == 0, $"agents batch exited {exit}:\n{text}");
            return JsonDocument.Parse(File.ReadAllLines(output).Single()).RootElement.Clone();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
