using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Agents.Core.Simulation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Agents.Benchmarks;

/// <summary>The OpenAI-compatible gateway under a burst: N concurrent <c>sc@8:sim</c> completions on loopback.</summary>
internal sealed partial class Benchmarks
{
    // 200 requests at once (each an sc@8 run: 8 samples, a vote) against the host with its embedded silo; every one must
    // be answered 200 with an answer. Requests/s = N / wall; latencies are per request, client side.
    private async Task<Dictionary<string, double>> GatewayAsync()
    {
        var requests = quick ? 100 : 200;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--port", "0"] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agents:Api:RateLimit:PermitLimit"] = "100000",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await using var app = builder.AddAgentsApi().Build().MapAgentsApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(10) };

        async Task<(bool Ok, double Ms)> OneAsync(int i)
        {
            var body = JsonSerializer.Serialize(new
            {
                model = "sc@8:sim",
                seed = i,
                messages = new[] { new { role = "user", content = SyntheticProblems.GenerateOne(5, i).Question } },
            });
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
                var text = await response.Content.ReadAsStringAsync();
                var ok = response.StatusCode == HttpStatusCode.OK && text.Contains("\"chat.completion\"", StringComparison.Ordinal);
                return (ok, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (HttpRequestException)
            {
                return (false, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        // Warm-up: activations, JIT, connections.
        await Task.WhenAll(Enumerable.Range(10_000, 16).Select(OneAsync));
        var wall = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, requests).Select(OneAsync));
        wall.Stop();
        await app.StopAsync();

        var latencies = results.Select(r => r.Ms).Order().ToArray();
        double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];
        var dropped = results.Count(r => !r.Ok);
        log.WriteLine($"   {requests} concurrent sc@8:sim requests in {wall.Elapsed.TotalSeconds:F2} s; {dropped} not answered");
        return new Dictionary<string, double>
        {
            ["gateway_requests"] = requests,
            ["gateway_dropped"] = dropped,
            ["gateway_requests_per_second"] = Math.Round(requests / wall.Elapsed.TotalSeconds, 1),
            ["gateway_p50_ms"] = Math.Round(Percentile(0.50), 1),
            ["gateway_p95_ms"] = Math.Round(Percentile(0.95), 1),
        };
    }
}
