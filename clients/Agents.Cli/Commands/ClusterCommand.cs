using System.CommandLine;
using Agents.Cli.Batch;
using Agents.Contracts.Cluster;
using Agents.Contracts.Inference;
using Spectre.Console;

namespace Agents.Cli.Commands;

/// <summary><c>agents cluster status</c>: silos, roles, metadata and activations by grain type.</summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var cluster = new Option<string?>("--cluster") { Description = "redis://HOST:PORT of the cluster; absent = an embedded silo" };
        var status = new Command("status", "List the cluster's silos with their roles, metadata and activations") { cluster };
        status.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using var connection = await AgentsConnection.OpenAsync(parse.GetValue(cluster), new Dictionary<string, string?>(), cancellationToken);
                var silos = await connection.Grains.GetGrain<IClusterInfoGrain>(0).GetSilosAsync();
                AnsiConsole.Write(Render(silos, connection.Description));
                var replicas = await ReplicaLoadsAsync(connection.Grains, silos);
                if (replicas.Count > 0)
                {
                    AnsiConsole.Write(RenderReplicas(replicas));
                }

                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await Console.Error.WriteLineAsync($"error: cannot reach the cluster: {ex.Message}");
                return ExitCodes.Error;
            }
        });
        var command = new Command("cluster", "Cluster tools");
        command.Subcommands.Add(status);
        return command;
    }

    /// <summary>The status table.</summary>
    public static Table Render(IEnumerable<SiloInfo> silos, string description)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"cluster {Markup.Escape(description)}");
        table.AddColumns("silo", "name", "status", "role", "metadata", "activations");
        foreach (var silo in silos.OrderBy(s => s.Address, StringComparer.Ordinal))
        {
            table.AddRow(
                Markup.Escape(silo.Address),
                Markup.Escape(silo.Name),
                Markup.Escape(silo.Status),
                Markup.Escape(silo.Metadata.GetValueOrDefault("role") ?? (silo.Metadata.GetValueOrDefault("gpu") == "true" ? "gpu" : "cpu")),
                Markup.Escape(string.Join(", ", silo.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}"))),
                Markup.Escape(string.Join(", ", silo.Activations.Where(a => a.Value > 0).OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: {a.Value}"))));
        }

        return table;
    }

    /// <summary>The load of every model replica the gpu silos advertise (replica i of a model is <c>model/i</c>).</summary>
    public static async Task<IReadOnlyList<ReplicaLoad>> ReplicaLoadsAsync(IGrainFactory grains, IEnumerable<SiloInfo> silos)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var replicas = silos.SelectMany(s => GpuSiloMetadata.Models(s.Metadata))
            .GroupBy(m => m.Id, StringComparer.Ordinal)
            .SelectMany(g => Enumerable.Range(0, g.Sum(m => m.Replicas)).Select(i => GpuSiloMetadata.ReplicaKey(g.Key, i)));
        return await Task.WhenAll(replicas.Select(r => grains.GetGrain<IInferenceGrain>(r).GetLoadAsync()));
    }

    /// <summary>The replicas table: where each replica runs and its load.</summary>
    public static Table RenderReplicas(IEnumerable<ReplicaLoad> replicas)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("model replicas");
        table.AddColumns("replica", "silo", "active", "queued", "capacity", "queue limit", "healthy", "served");
        foreach (var r in replicas.OrderBy(r => r.Silo, StringComparer.Ordinal).ThenBy(r => r.Replica, StringComparer.Ordinal))
        {
            table.AddRow(
                Markup.Escape(r.Replica),
                Markup.Escape(r.Silo),
                $"{r.Active}",
                $"{r.Queued}",
                $"{r.Capacity}",
                $"{r.QueueLimit}",
                r.Healthy ? "yes" : "no",
                $"{r.Served}");
        }

        foreach (var silo in replicas.GroupBy(r => r.Silo, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape($"({silo.Count()} replicas)"), Markup.Escape(silo.Key), $"{silo.Sum(r => r.Active)}", $"{silo.Sum(r => r.Queued)}", $"{silo.Sum(r => r.Capacity)}", string.Empty, string.Empty, $"{silo.Sum(r => r.Served)}");
        }

        return table;
    }
}
