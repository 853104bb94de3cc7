using System.Text;
using Agents.Client;
using Agents.Client.Experiments;
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
        builder.Services.AddSingleton<DashboardExperiments>();
        builder.Services.AddSingleton<DashboardLeagues>();
        builder.Services.TryAddSingleton(sp => new LeagueClient(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>Maps the dashboard's pages, its static assets and its downloads (job results, experiment summaries, league rounds).</summary>
    public static WebApplication MapAgentsDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapGet("/dashboard/jobs/{id}/results.jsonl", DownloadResultsAsync).ExcludeFromDescription();
        app.MapGet("/dashboard/experiments/{id}/summary.json", (string id, DashboardExperiments experiments) =>
            experiments.Find(id) is { Summary: { } summary }
                ? Results.File(Encoding.UTF8.GetBytes(summary.ToJson()), "application/json", "summary.json")
                : Results.NotFound($"no finished experiment {id}\n")).ExcludeFromDescription();
        app.MapGet("/dashboard/experiments/{id}/report.md", (string id, DashboardExperiments experiments) =>
            experiments.Find(id) is { Summary: { } summary }
                ? Results.File(Encoding.UTF8.GetBytes(ExperimentReport.Render(summary)), "text/markdown", "report.md")
                : Results.NotFound($"no finished experiment {id}\n")).ExcludeFromDescription();
        app.MapGet("/dashboard/leagues/{name}/rounds/{round:int}/export", ExportRoundAsync).ExcludeFromDescription();
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

    // A round as JSONL, as the REST API's export: format trl|openrlhf|raw, records published|all, part rows|pairs.
    private static async Task<IResult> ExportRoundAsync(string name, int round, string? format, string? records, string? part, DashboardLeagues leagues)
    {
        if (!LeagueClient.TryParseFormat(format ?? "trl", out var exportFormat) || records is not (null or "published" or "all") || part is not (null or "rows" or "pairs"))
        {
            return Results.BadRequest("format is trl|openrlhf|raw, records published|all, part rows|pairs\n");
        }

        var export = await leagues.Client.ExportRoundAsync(name, round, exportFormat, records != "all");
        var lines = part == "pairs" ? export.Pairs : export.Rows;
        return Results.File(
            Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n"))), "application/x-ndjson",
            DashboardLeagues.ExportFileName(name, round, format ?? "trl", part == "pairs"));
    }
}
