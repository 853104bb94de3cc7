using System.Security.Claims;
using System.Text.Encodings.Web;
using Agents.Api.Gateway;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Agents.Api.Security;

/// <summary>
/// <c>Authorization: Bearer KEY</c> against <see cref="ApiKeys"/>. Without configured keys (allowed on loopback only)
/// every caller is the local user. A refusal is a 401 in OpenAI's error shape, so OpenAI clients raise their
/// authentication error; the presented value is never echoed or logged.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The principal name when no keys are configured.</summary>
    public const string LocalUser = "local";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!keys.Required)
        {
            return Task.FromResult(Success(LocalUser));
        }

        var header = Request.Headers.Authorization.ToString();
        const string Prefix = "Bearer ";
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(keys.Match(header[Prefix.Length..].Trim()) is { } name
            ? Success(name)
            : AuthenticateResult.Fail("the presented API key matches none configured"));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return new OpenAIError(
            StatusCodes.Status401Unauthorized,
            "Missing or incorrect API key: send Authorization: Bearer KEY with a key from AGENTS_API_KEYS.",
            "invalid_request_error", null, "invalid_api_key").WriteAsync(Response);
    }

    private static AuthenticateResult Success(string name) =>
        AuthenticateResult.Success(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], SchemeName)), SchemeName));
}
