using System.Net;
using System.Text;
using System.Text.Json;

namespace Agents.Api.Tests;

/// <summary>Keys, rate limits and body limits of the host.</summary>
[Collection(GatewayCollection.Name)]
public sealed class SecurityTests(GatewayFixture fixture)
{
    [Fact]
    public async Task NoKey_EveryRouteButHealth_401InOpenAIShape()
    {
        using var http = fixture.Host.Client();

        using var health = await http.GetAsync("health");
        using var models = await http.GetAsync("v1/models");
        using var docs = await http.GetAsync("openapi/v1.json");
        using var chat = await http.PostAsync("v1/chat/completions", new StringContent("""{"model":"sc@8:sim","messages":[{"role":"user","content":"x"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (models.StatusCode, docs.StatusCode, chat.StatusCode));
        using var body = JsonDocument.Parse(await models.Content.ReadAsStringAsync());
        Assert.Equal("invalid_api_key", body.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Flood_OneKey_429WithRetryAfterWhileAnotherKeyIsServed()
    {
        using var flood = fixture.Host.Client(GatewayFixture.FloodKey);
        using var other = fixture.Host.Client(GatewayFixture.OtherKey);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i <= GatewayFixture.PermitLimit && refused is null; i++)
        {
            var response = await flood.GetAsync("v1/models");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        using var served = await other.GetAsync("v1/models");

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.Equal(GatewayFixture.PermitLimit, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {refused.Headers.RetryAfter}");
            using var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("rate_limit_exceeded", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task ChatCompletions_BodyOverLimit_Refused()
    {
        using var http = fixture.Host.Client(GatewayFixture.Key);
        var huge = new string('7', 2 * 1024 * 1024);

        using var response = await http.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"sc@8:sim","messages":[{"role":"user","content":"{{huge}}"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"model":"sc@8:sim","messages":[{"role":"user","content":"x"}],"temperature":"hot"}""", "temperature")]
    [InlineData("""{"model":"sc@8:sim","messages":[{"role":"user","content":"x"}],"n":99}""", "n")]
    [InlineData("""{"model":"sc@8:sim","messages":[]}""", "messages")]
    [InlineData("""{"model":"cot@4:sim","messages":[{"role":"user","content":"x"}]}""", "model")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", "model")]
    public async Task ChatCompletions_InvalidField_400NamingIt(string body, string param)
    {
        using var http = fixture.Host.Client(GatewayFixture.Key);

        using var response = await http.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(param, error.RootElement.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.RootElement.GetProperty("error").GetProperty("type").GetString());
    }
}
