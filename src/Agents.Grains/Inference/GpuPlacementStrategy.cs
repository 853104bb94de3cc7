using Orleans.Placement;

namespace Agents.Grains.Inference;

/// <summary>Places a grain only on silos that advertise <c>gpu=true</c> and host the model named in its key (see <see cref="GpuPlacementDirector"/>).</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("agents.gpu-placement.v1")]
public sealed class GpuPlacementStrategy : PlacementStrategy
{
    /// <summary>The shared instance.</summary>
    public static GpuPlacementStrategy Instance { get; } = new();
}

/// <summary>Marks a grain (key = <c>model/index</c>) for <see cref="GpuPlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class GpuPlacementAttribute() : PlacementAttribute(GpuPlacementStrategy.Instance);
