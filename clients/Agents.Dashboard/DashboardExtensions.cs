using Agents.Client;
using Agents.Dashboard.Components;
using Agents.Dashboard.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Microsoft.Extensions.Hosting;

/// <summary>The web dashboard's composition: Blazor interactive server pages at <c>/</c> over the host's grain client.</summary>
public static class DashboardExtensions
{
    /// <summary>Adds the dashboard's services: Razor components with server interactivity, Fluent UI, the job and cluster views.</summary>
    public static WebApplicationBuilder AddAgentsDashboard(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Built (not published) hosts find the dashboard's and Fluent UI's files through the static web assets manifest in
        // any environment, so `dotnet run` and the tests' host process serve them as a published host does from wwwroot.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddFluentUIComponents();
        builder.Services.TryAddSingleton<JobCatalog>();
        builder.Services.AddSingleton<DashboardJobs>();
        builder.Services.AddSingleton<ClusterView>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>Maps the dashboard's pages, its static assets and the results download.</summary>
    public static WebApplication MapAgentsDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapGet("/dashboard/jobs/{id}/results.jsonl", DownloadResultsAsync).ExcludeFromDescription();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    // The job's results in input order, each line as `agents batch` writes it.
    private static async Task DownloadResultsAsync(string id, DashboardJobs jobs, HttpContext context, CancellationToken cancellationToken)
    {
        if (await jobs.ProgressAsync(id) is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync($"no job {id}\n", cancellationToken);
            return;
        }

        context.Response.ContentType = "application/x-ndjson";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{id}.jsonl\"";
        await foreach (var result in jobs.Client.ExportAsync(id, ResultOrder.Input, cancellationToken))
        {
            await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(OutputRow.From(result, id), OutputRow.Json) + "\n", cancellationToken);
        }
    }
}
