using System.Globalization;
using System.Threading.RateLimiting;
using Agents.Api.Gateway;
using Agents.Api.Hosting;
using Agents.Api.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;

namespace Microsoft.Extensions.Hosting;

/// <summary>API keys, per-key rate limits and the authorization policy of the HTTP host.</summary>
public static class ApiSecurityExtensions
{
    /// <summary>Adds bearer-key authentication, a policy that needs it on every route (but those marked anonymous) and per-key rate limits.</summary>
    public static IHostApplicationBuilder AddApiSecurity(this IHostApplicationBuilder builder, ApiKeys keys, ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder.Services.AddSingleton(keys);
        // Bearer keys for every caller; browsers on the dashboard may sign in once instead (DashboardLogin).
        builder.Services.AddAuthentication(DashboardLogin.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddDashboardLogin(keys);
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(DashboardLogin.SchemeName)
                .RequireAuthenticatedUser().Build());
        builder.Services.AddRateLimiter(limiter =>
        {
            // One window per key; callers without a valid key share their address's window (they get 401 anyway).
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetFixedWindowLimiter(
                    context.User.Identity?.IsAuthenticated == true ? "user:" + context.User.Identity.Name : "address:" + context.Connection.RemoteIpAddress,
                    _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = options.RateLimit.PermitLimit,
                        Window = options.RateLimit.Window,
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : options.RateLimit.Window;
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await new OpenAIError(
                    StatusCodes.Status429TooManyRequests,
                    $"rate limit: {options.RateLimit.PermitLimit} requests per {options.RateLimit.Window} for this key; retry after {Math.Ceiling(retryAfter.TotalSeconds)} s",
                    "rate_limit_error", null, "rate_limit_exceeded").WriteAsync(context.HttpContext.Response);
            };
        });
        return builder;
    }

    /// <summary>
    /// Authentication, then the per-key rate limiter (it partitions by the authenticated key), then authorization; and the
    /// dashboard's sign-in page.
    /// </summary>
    public static WebApplication UseApiSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapDashboardLogin();
        return app;
    }
}
