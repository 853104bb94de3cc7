using System.Net;
using System.Security.Claims;
using Agents.Dashboard.Services;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace Agents.Api.Security;

/// <summary>
/// How a browser reaches the dashboard when API keys are configured: a sign-in form takes a key once, checks it against
/// <see cref="ApiKeys"/> and sets an encrypted, HTTP-only, same-site-strict cookie naming the key (<c>key-N</c>) with its
/// fingerprint (never the key itself), valid only while that key is configured. The cookie is accepted for the dashboard's pages, its Blazor circuit and downloads, but not for the REST
/// API (<c>/api</c>) or the gateway (<c>/v1</c>), which keep needing <c>Authorization: Bearer KEY</c>, so no cookie carries
/// a cross-site request into a state-changing API. Without keys (loopback only) every caller is the local user, as before.
/// </summary>
public static class DashboardLogin
{
    /// <summary>The scheme that picks bearer key or cookie per request; the default scheme of the host.</summary>
    public const string SchemeName = "Agents";

    /// <summary>The cookie scheme.</summary>
    public const string CookieScheme = "DashboardCookie";

    /// <summary>The sign-in page.</summary>
    public const string LoginPath = "/login";

    /// <summary>The claim holding the fingerprint of the key a browser signed in with.</summary>
    public const string KeyClaim = "agents:key";

    /// <summary>The sign-out action.</summary>
    public const string LogoutPath = "/logout";

    /// <summary>
    /// The machine routes: the REST API, the OpenAI-compatible gateway and the API description with its browser. They
    /// answer a missing key with 401 (never a redirect to the form) and never accept the cookie.
    /// </summary>
    public static readonly ImmutableArray<string> BearerOnly = ["/api", "/v1", "/openapi", "/docs"];

    /// <summary>How long a sign-in lasts without use (each use extends it).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    /// <summary>Adds the cookie scheme and the scheme that chooses between bearer key and cookie.</summary>
    public static AuthenticationBuilder AddDashboardLogin(this AuthenticationBuilder authentication, ApiKeys keys)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        ArgumentNullException.ThrowIfNull(keys);
        // The sign-in form carries an antiforgery token (a host without the dashboard has no other use for it).
        authentication.Services.AddAntiforgery();
        authentication.AddCookie(CookieScheme, cookie =>
        {
            cookie.Cookie.Name = "agents-dashboard";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = LoginPath;
            cookie.LogoutPath = LogoutPath;
            cookie.ExpireTimeSpan = Lifetime;
            cookie.SlidingExpiration = true;
            // A sign-in lasts only while its key is configured: a key removed from AGENTS_API_KEYS ends its sign-ins.
            cookie.Events.OnValidatePrincipal = async context =>
            {
                if (!keys.IsCurrent(context.Principal?.FindFirst(KeyClaim)?.Value))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(CookieScheme);
                }
            };
        });
        authentication.AddPolicyScheme(SchemeName, "API key or dashboard sign-in", policy =>
            policy.ForwardDefaultSelector = context => Select(context, keys));
        return authentication;
    }

    /// <summary>Maps the sign-in page, its form post and sign-out (all reachable without a key).</summary>
    public static IEndpointRouteBuilder MapDashboardLogin(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(LoginPath, (HttpContext context, [FromServices] ApiKeys keys, [FromServices] IAntiforgery antiforgery, string? returnUrl) =>
                keys.Required ? Page(context, antiforgery, returnUrl, null) : Results.Redirect("/"))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapPost(LoginPath, SignInAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapPost(LogoutPath, async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieScheme);
            return Results.Redirect(LoginPath);
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Bearer key when the request carries one, when no keys are configured (everyone is the local user), and for the REST
    /// API and the gateway; the sign-in cookie for everything else (the dashboard).
    /// </summary>
    public static string Select(HttpContext context, ApiKeys keys)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(keys);
        var path = context.Request.Path;
        if (!keys.Required || context.Request.Headers.Authorization.Count > 0
            || BearerOnly.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            return ApiKeyAuthenticationHandler.SchemeName;
        }

        return CookieScheme;
    }

    private static async Task<IResult> SignInAsync(HttpContext context, [FromServices] ApiKeys keys, [FromServices] IAntiforgery antiforgery)
    {
        if (!keys.Required)
        {
            return Results.Redirect("/");
        }

        if (!context.Request.HasFormContentType)
        {
            return Results.BadRequest();
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var returnUrl = form["returnUrl"].ToString();
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Page(context, antiforgery, returnUrl, "The form expired; sign in again.", StatusCodes.Status400BadRequest);
        }

        // The name of the matching key (key-N) goes into the cookie; the key itself is neither stored nor echoed.
        var key = form["key"].ToString().Trim();
        if (keys.Match(key) is not { } name)
        {
            return Page(context, antiforgery, returnUrl, "That key matches none of the host's API keys.", StatusCodes.Status401Unauthorized);
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(KeyClaim, ApiKeys.Fingerprint(key))], DashboardIdentity.AuthenticationType);
        await context.SignInAsync(CookieScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl : "/");
    }

    // Only a path on this host: "/x" but not "//host" or "/\host", which browsers treat as another host.
    private static bool IsLocal(string url) =>
        url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);

    private static IResult Page(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? error, int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var enc = (string? s) => WebUtility.HtmlEncode(s ?? "");
        var message = error is null ? "" : $"""<p role="alert" class="error">{enc(error)}</p>""";
        var html = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1.0" />
            <title>Sign in · Agents</title>
            <style>
              :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
              body { margin: 0; display: grid; place-items: center; min-height: 100vh; background: Canvas; color: CanvasText; }
              main { width: min(26rem, 92vw); padding: 1.5rem; border: 1px solid GrayText; border-radius: 8px; }
              label { display: block; margin: 1rem 0 .25rem; font-weight: 600; }
              input { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; }
              button { margin-top: 1rem; padding: .5rem 1.25rem; font: inherit; }
              .error { color: #b00020; font-weight: 600; }
              @media (prefers-color-scheme: dark) { .error { color: #ff8a80; } }
            </style>
            </head>
            <body>
            <main>
            <h1>Agents dashboard</h1>
            <p>This host needs an API key. Enter one of the keys in its <code>AGENTS_API_KEYS</code>; the browser keeps a sign-in cookie (not the key) for {{(int)Lifetime.TotalHours}} hours of use.</p>
            {{message}}
            <form method="post" action="login">
            <input type="hidden" name="{{enc(tokens.FormFieldName)}}" value="{{enc(tokens.RequestToken)}}" />
            <input type="hidden" name="returnUrl" value="{{enc(returnUrl)}}" />
            <label for="key">API key</label>
            <input id="key" name="key" type="password" autocomplete="current-password" required autofocus />
            <button type="submit">Sign in</button>
            </form>
            </main>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
