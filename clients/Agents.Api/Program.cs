try
{
    // Settings (appsettings.json: served models, MAgICoRe's μ and σ) are read next to the binary, wherever it is started from.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    await using var app = builder.AddAgentsApi().AddAgentsDashboard().Build().MapAgentsApi().MapAgentsDashboard();
    await app.RunAsync();
    return 0;
}
catch (ApiStartupException ex)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 1;
}
