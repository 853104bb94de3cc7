using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Agents.Testing;

/// <summary>Collects the long measurements of one meter while alive; sums them by instrument and tags.</summary>
public sealed class MetricCollector : IDisposable
{
    private readonly ConcurrentQueue<(string Instrument, long Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();
    private readonly MeterListener _listener = new();

    /// <summary>Starts listening to the meter named <paramref name="meterName"/>.</summary>
    public MetricCollector(string meterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
        _listener.Start();
    }

    /// <summary>The sum of <paramref name="instrument"/>'s measurements that carry every tag given.</summary>
    public long Sum(string instrument, params (string Key, string Value)[] tags) => _measurements
        .Where(m => m.Instrument == instrument && tags.All(t => m.Tags.Any(kv => kv.Key == t.Key && Equals(kv.Value?.ToString(), t.Value))))
        .Sum(m => m.Value);

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}
