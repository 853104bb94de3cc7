using Agents.Core.Simulation;
using Agents.Inference.Simulation;

namespace Agents.Inference.Backends;

/// <summary>Creates the <c>sim</c> backend: the simulated model with its n-choice capability exposed.</summary>
public static class SimulatedBackend
{
    /// <summary>A simulated model client that also answers n-choice requests in one call.</summary>
    /// <param name="options">The model's rates; null for the defaults.</param>
    /// <param name="latency">The server latency model; null for none.</param>
    public static IChatClient Create(SimulationOptions? options = null, SimulatedLatency? latency = null)
        => new SimulatedChatClient(new SimulatedModel(options), latency);
}
