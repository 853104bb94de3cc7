using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Agents.Testing;

namespace Agents.Cluster.Tests;

/// <summary>
/// A stand-in OTLP/HTTP collector on loopback: accepts protobuf POSTs to <c>/v1/traces</c> and <c>/v1/metrics</c>, keeps
/// their bodies and answers 200 with an empty (valid) export response. It does not decode the protobuf: attribute keys
/// and string values appear in the bytes as UTF-8, which is enough to look for names and secrets.
/// </summary>
internal sealed class OtlpCollector : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, string ContentType, byte[] Body)> _requests = new();
    private readonly Task _loop;

    private OtlpCollector(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>The base URL to configure as the OTLP endpoint.</summary>
    public string Endpoint => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Every export request so far.</summary>
    public IReadOnlyList<(string Path, string ContentType, byte[] Body)> Requests => [.. _requests];

    /// <summary>Starts a collector on a free port.</summary>
    public static OtlpCollector Start() => new(FreePort.Next());

    /// <summary>Waits until a request to <paramref name="path"/> whose body contains <paramref name="text"/> arrived.</summary>
    public async Task<bool> WaitForAsync(string path, string text, TimeSpan limit)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(text);
        try
        {
            await Eventually.UntilAsync(() => _requests.Any(r => r.Path == path && r.Body.AsSpan().IndexOf(needle) >= 0), limit, $"{text} at {path}", TimeSpan.FromMilliseconds(200));
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
            // Stopped while waiting for a request.
        }
        catch (ObjectDisposedException)
        {
            // Closed while waiting for a request.
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            var context = await _listener.GetContextAsync();
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _requests.Enqueue((context.Request.Url?.AbsolutePath ?? "", context.Request.ContentType ?? "", body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
    }
}
