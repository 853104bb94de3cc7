using Microsoft.Extensions.Hosting;

// Roles, hosted models and the cluster's Redis come from configuration (Agents:Cluster, Agents:Models, Orleans:Metadata).
var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans(silo => silo.UseAgentsClustering().AddAgents());
await builder.Build().RunAsync();
