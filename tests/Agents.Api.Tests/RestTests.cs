using System.Net;
using System.Text;
using System.Text.Json;
using Agents.Core.Simulation;

namespace Agents.Api.Tests;

/// <summary>Jobs, runs and the cluster as REST resources, on the shared job client.</summary>
[Collection(GatewayCollection.Name)]
public sealed class RestTests(GatewayFixture fixture)
{
    private static StringContent Dataset(IEnumerable<string> lines) => new(string.Join('\n', lines) + "\n", Encoding.UTF8, "application/x-ndjson");

    private static string Row(int index) => JsonSerializer.Serialize(new
    {
        id = $"p{index}",
        question = SyntheticProblems.GenerateOne(31, index).Question,
        answer = SyntheticProblems.GenerateOne(31, index).Answer.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    [Fact]
    public async Task Job_UploadWatchPageTraceCancel()
    {
        using var http = fixture.Host.Client(GatewayFixture.Key);
        // Six good rows and two bad ones (not JSON; no question), on lines 3 and 6.
        var lines = new List<string> { Row(0), Row(1), "{not json", Row(2), Row(3), """{"id":"q"}""", Row(4), Row(5) };

        using var created = await http.PostAsync("api/jobs?strategy=sc&k=4&seed=2&name=mixed.jsonl", Dataset(lines));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var job = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = job.RootElement.GetProperty("id").GetString()!;
        Assert.Equal((6, 2), (job.RootElement.GetProperty("problems").GetInt32(), job.RootElement.GetProperty("rejected_rows").GetInt32()));
        var rejected = job.RootElement.GetProperty("rejected").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.StartsWith("mixed.jsonl:3: ", rejected[0], StringComparison.Ordinal);
        Assert.StartsWith("mixed.jsonl:6: ", rejected[1], StringComparison.Ordinal);

        // The event stream runs until the job ends: one result event per problem, then end.
        var events = await ReadEventsAsync(http, $"api/jobs/{id}/events");
        Assert.Equal(6, events.Count(e => e.Name == "result"));
        Assert.Equal("end", events[^1].Name);
        Assert.Equal(("completed", 6), (events[^1].Data.GetProperty("status").GetString(), events[^1].Data.GetProperty("done").GetInt32()));
        Assert.Contains(events, e => e.Name == "progress");

        using var status = JsonDocument.Parse(await http.GetStringAsync($"api/jobs/{id}"));
        Assert.Equal(("completed", 6, 2, "sc"), (status.RootElement.GetProperty("status").GetString(), status.RootElement.GetProperty("problems").GetInt32(),
            status.RootElement.GetProperty("rejected_rows").GetInt32(), status.RootElement.GetProperty("strategy").GetString()));

        var byInput = await PageAllAsync(http, id, "input");
        var byCompletion = await PageAllAsync(http, id, "completion");
        Assert.Equal(["p0", "p1", "p2", "p3", "p4", "p5"], byInput.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(byInput.Select(r => r.GetProperty("id").GetString()).Order(), byCompletion.Select(r => r.GetProperty("id").GetString()).Order());
        Assert.All(byInput, r => Assert.Equal(4, r.GetProperty("samples").GetInt32()));
        Assert.All(byInput, r => Assert.Equal(id, r.GetProperty("job").GetString()));

        using var run = JsonDocument.Parse(await http.GetStringAsync($"api/jobs/{id}/runs/p2"));
        Assert.Equal("p2", run.RootElement.GetProperty("result").GetProperty("id").GetString());
        Assert.Contains(run.RootElement.GetProperty("messages").EnumerateArray(), m => m.GetProperty("kind").GetString() == "sample");
        Assert.Equal(1, run.RootElement.GetProperty("ledger").EnumerateArray().Single(l => l.GetProperty("role").GetString() == "solver").GetProperty("calls").GetInt32());

        using var list = JsonDocument.Parse(await http.GetStringAsync("api/jobs"));
        Assert.Contains(list.RootElement.EnumerateArray(), j => j.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Job_Cancel_NoNewRunsAndStatusCancelled()
    {
        using var http = fixture.Host.Client(GatewayFixture.Key);
        // 200 problems, one at a time: the job is still running when the cancel arrives.
        using var created = await http.PostAsync("api/jobs?strategy=sc&k=2&concurrency=1&job=cancel-me", Dataset(Enumerable.Range(0, 200).Select(Row)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var cancelled = await http.DeleteAsync("api/jobs/cancel-me");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);

        var events = await ReadEventsAsync(http, "api/jobs/cancel-me/events");
        var end = events[^1];
        Assert.Equal(("end", "cancelled"), (end.Name, end.Data.GetProperty("status").GetString()));
        Assert.True(end.Data.GetProperty("done").GetInt32() < 200, $"{end.Data.GetProperty("done").GetInt32()} of 200 ran");
    }

    [Fact]
    public async Task GatewayTrace_ServesTheRunsTranscript()
    {
        using var http = fixture.Host.Client(GatewayFixture.Key);
        using var reply = await http.PostAsync("v1/chat/completions", new StringContent(JsonSerializer.Serialize(new
        {
            model = "sc@4:sim",
            messages = new[] { new { role = "user", content = SyntheticProblems.GenerateOne(41, 0).Question } },
        }), Encoding.UTF8, "application/json"));
        using var body = JsonDocument.Parse(await reply.Content.ReadAsStringAsync());
        var trace = body.RootElement.GetProperty("agents").GetProperty("trace").GetString()!;

        using var run = JsonDocument.Parse(await http.GetStringAsync(trace.TrimStart('/')));

        Assert.Equal(4, run.RootElement.GetProperty("messages").EnumerateArray().Count(m => m.GetProperty("kind").GetString() == "sample"));
        Assert.Equal(body.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt64(), run.RootElement.GetProperty("result").GetProperty("prompt_tokens").GetInt64());
    }

    [Fact]
    public async Task Cluster_Embedded_OneSilo()
    {
        using var http = fixture.Host.Client(GatewayFixture.Key);

        using var cluster = JsonDocument.Parse(await http.GetStringAsync("api/cluster"));

        Assert.Single(cluster.RootElement.GetProperty("silos").EnumerateArray());
        Assert.Equal("Active", cluster.RootElement.GetProperty("silos")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Job_UnknownOption_400NamingIt()
    {
        using var http = fixture.Host.Client(GatewayFixture.Key);

        using var response = await http.PostAsync("api/jobs?strategy=sc&option=colour=blue", Dataset([Row(0)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("option", error.RootElement.GetProperty("error").GetProperty("param").GetString());
        Assert.Contains("unknown option 'colour'", error.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task<List<JsonElement>> PageAllAsync(HttpClient http, string id, string order)
    {
        var rows = new List<JsonElement>();
        int? next = 0;
        while (next is { } offset)
        {
            using var page = JsonDocument.Parse(await http.GetStringAsync($"api/jobs/{id}/results?order={order}&offset={offset}&limit=4"));
            rows.AddRange(page.RootElement.GetProperty("results").EnumerateArray().Select(r => r.Clone()));
            next = page.RootElement.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.RootElement.GetProperty("next").GetInt32();
        }

        return rows;
    }

    private static async Task<List<(string Name, JsonElement Data)>> ReadEventsAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return
        [
            .. text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block =>
            {
                var lines = block.Split('\n');
                var name = lines.Single(l => l.StartsWith("event: ", StringComparison.Ordinal))["event: ".Length..];
                var data = JsonDocument.Parse(lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..]).RootElement.Clone();
                return (name, data);
            }),
        ];
    }
}
