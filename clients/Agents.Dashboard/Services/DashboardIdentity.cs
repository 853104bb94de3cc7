namespace Agents.Dashboard.Services;

/// <summary>The identity a browser signed in to the dashboard with (an API key's name in a cookie, set by the host).</summary>
public static class DashboardIdentity
{
    /// <summary>The authentication type of a dashboard sign-in; the layout offers "sign out" to such users only.</summary>
    public const string AuthenticationType = "agents-dashboard";
}
