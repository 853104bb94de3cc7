namespace Agents.Grains;

/// <summary>
/// A grain's keep-alive reminder (one tick a minute once due): while registered it reactivates the grain after its silo is lost, so
/// the grain's pump runs again. Call only from the grain's own scheduler.
/// </summary>
internal static class KeepAliveReminder
{
    /// <summary>Registers (or keeps) the reminder <paramref name="name"/>.</summary>
    public static Task RegisterAsync(IGrainBase grain, string name) =>
        RegisterAsync(grain, name, TimeSpan.FromMinutes(1));

    /// <summary>Registers (or moves) the reminder <paramref name="name"/> to fire first after <paramref name="dueTime"/>, then each minute.</summary>
    public static Task RegisterAsync(IGrainBase grain, string name, TimeSpan dueTime) =>
        grain.RegisterOrUpdateReminder(name, dueTime, TimeSpan.FromMinutes(1));

    /// <summary>Unregisters the reminder <paramref name="name"/> when it is there.</summary>
    public static async Task UnregisterAsync(IGrainBase grain, string name)
    {
        if (await grain.GetReminder(name) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }
}
