using Agents.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace Agents.Dashboard.Components.Shared;

/// <summary>
/// A page that refreshes itself: every <see cref="DashboardOptions.RefreshInterval"/> it asks the grains again on the
/// server and re-renders, and the Blazor circuit sends the changes to the browser (no page reload, no polling from the page).
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>The dashboard's settings.</summary>
    [Inject]
    protected IOptions<DashboardOptions> Options { get; set; } = default!;

    /// <summary>The last refresh's error, shown instead of stale data; null when it worked.</summary>
    protected string? Error { get; private set; }

    /// <summary>False stops the refresh loop (e.g. once a job finished).</summary>
    protected virtual bool KeepRefreshing => true;

    /// <summary>Reads what the page shows.</summary>
    protected abstract Task RefreshAsync(CancellationToken cancellationToken);

    /// <inheritdoc />
    protected override async Task OnParametersSetAsync()
    {
        await SafeRefreshAsync();
        _loop ??= LoopAsync();
    }

    /// <summary>Refreshes now (after an action on the page).</summary>
    protected async Task RefreshNowAsync()
    {
        await SafeRefreshAsync();
        StateHasChanged();
    }

    private async Task SafeRefreshAsync()
    {
        try
        {
            await RefreshAsync(_stop.Token);
            Error = null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Error = $"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}";
        }
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Options.Value.RefreshInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (!KeepRefreshing)
                {
                    continue;
                }

                // On the renderer's context, so a refresh never races a render or an event handler of the page.
                await InvokeAsync(async () =>
                {
                    await SafeRefreshAsync();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The page was left.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
