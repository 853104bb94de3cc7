using Agents.Core.Jobs;

namespace Agents.Grains.Driving;

/// <summary>
/// Calls an idempotent grain method and asks again whenever no answer came within <see cref="AnswerPatience"/>: an
/// answer Orleans lost on the way would otherwise hold a job's run or a league's game in flight for the whole call
/// timeout. The first answer (or failure) counts; later ones are dropped. Call on the grain's scheduler.
/// </summary>
internal static class PatientCalls
{
    /// <summary>The first answer of <paramref name="ask"/>, asked again after each wait on <paramref name="time"/>; <paramref name="askingAgain"/> hears of each repeat (asks so far, the wait that passed).</summary>
    public static async Task<T> AskAsync<T>(Func<Task<T>> ask, TimeProvider time, Action<int, TimeSpan>? askingAgain = null)
    {
        ArgumentNullException.ThrowIfNull(ask);
        var asks = new List<Task<T>> { Start(ask) };
        while (true)
        {
            var wait = AnswerPatience.WaitAfter(asks.Count);
            using var patience = new CancellationTokenSource();
            var waited = Task.Delay(wait, time, patience.Token);
            var first = await Task.WhenAny([.. asks, waited]);
            if (first != waited)
            {
                await patience.CancelAsync();
                foreach (var other in asks.Where(a => a != first))
                {
                    _ = DropAsync(other);
                }

                return await (Task<T>)first;
            }

            askingAgain?.Invoke(asks.Count, wait);
            asks.Add(Start(ask));
        }
    }

    /// <summary>As <see cref="AskAsync{T}(Func{Task{T}}, TimeProvider, Action{int, TimeSpan}?)"/>, for a call that answers nothing but its completion.</summary>
    public static Task AskAsync(Func<Task> ask, TimeProvider time, Action<int, TimeSpan>? askingAgain = null)
    {
        ArgumentNullException.ThrowIfNull(ask);
        return AskAsync(async () =>
        {
            await ask();
            return true;
        }, time, askingAgain);
    }

    // A call that throws before its first await fails like one that fails later.
    private static Task<T> Start<T>(Func<Task<T>> ask)
    {
        try
        {
            return ask();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Task.FromException<T>(ex);
        }
    }

    // A repeat that lost the race: its answer (or failure) is the same request's, already taken from another.
    private static async Task DropAsync(Task ask)
    {
        try
        {
            await ask;
        }
#pragma warning disable CA1031 // the answer that counted was returned; this one is only observed
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
