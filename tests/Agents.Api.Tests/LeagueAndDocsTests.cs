using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.Api.Tests;

/// <summary>Leagues as resources, and the OpenAPI document with its browser.</summary>
[Collection(GatewayCollection.Name)]
public sealed class LeagueAndDocsTests(GatewayFixture fixture)
{
    [Fact]
    public async Task League_StartPlayStatusExport()
    {
        using var http = fixture.Host.Client(GatewayFixture.Key);

        using var started = await http.PostAsJsonAsync("api/leagues/rest-league", new { games_per_round = 4, rounds = 1, concurrency = 2, seed = 5 });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        // The embedded league plays on in the host's silo; the shared client waits for it as the CLI does.
        await fixture.Host.Services.GetRequiredService<LeagueClient>().WaitWhileRunningAsync("rest-league", CancellationToken.None);

        using var status = JsonDocument.Parse(await http.GetStringAsync("api/leagues/rest-league"));
        Assert.Equal("completed", status.RootElement.GetProperty("state").GetString());
        Assert.Equal(1, status.RootElement.GetProperty("rounds").EnumerateArray().Single().GetProperty("round").GetInt32());
        // The snake_case body was read, not silently replaced by defaults (40 games a round, 8 in flight).
        Assert.Equal(4, status.RootElement.GetProperty("spec").GetProperty("games_per_round").GetInt32());
        Assert.Equal(2, status.RootElement.GetProperty("spec").GetProperty("concurrency").GetInt32());
        using var list = JsonDocument.Parse(await http.GetStringAsync("api/leagues"));
        Assert.Contains(list.RootElement.EnumerateArray(), l => l.GetProperty("league").GetString() == "rest-league");

        using var export = await http.GetAsync("api/leagues/rest-league/rounds/1/export?format=raw");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("rest-league.r1.raw.jsonl", export.Content.Headers.ContentDisposition?.FileNameStar ?? export.Content.Headers.ContentDisposition?.FileName);
        var rows = (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(rows.Length >= 4, $"{rows.Length} records");
        Assert.All(rows, r => JsonDocument.Parse(r).Dispose());
    }

    [Fact]
    public async Task League_BodyWithUnknownField_RefusedNamingIt()
    {
        using var http = fixture.Host.Client(GatewayFixture.Key);

        using var started = await http.PostAsJsonAsync("api/leagues/rest-league-typo", new { gamesPerRound = 4, rounds = 1 });

        Assert.Equal(HttpStatusCode.BadRequest, started.StatusCode);
        Assert.Contains("gamesPerRound", await started.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var status = await http.GetAsync("api/leagues/rest-league-typo");
        Assert.DoesNotContain("\"running\"", await status.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_DocumentListsEveryRouteAndDocsServesTheBrowser()
    {
        using var http = fixture.Host.Client(GatewayFixture.Key);

        using var document = JsonDocument.Parse(await http.GetStringAsync("openapi/v1.json"));
        // /docs redirects to /docs/, and HttpClient does not carry the key across a redirect, so ask for the page itself.
        using var docs = await http.GetAsync("docs/");

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/v1/chat/completions", paths);
        Assert.Contains("/api/jobs/{id}/results", paths);
        Assert.Contains("/api/leagues/{name}/rounds/{round}/export", paths);
        Assert.Contains("/api/cluster", paths);
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("text/html", docs.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }
}
