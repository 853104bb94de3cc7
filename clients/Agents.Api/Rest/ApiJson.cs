using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agents.Api.Rest;

/// <summary>The JSON of every <c>/api</c> route: snake_case names both ways, and request bodies that refuse fields they do not know.</summary>
internal static class ApiJson
{
    /// <summary>The options responses are written with.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    // Request bodies use the same snake_case names as responses; a field the endpoint does not know is refused, not ignored.
    private static readonly JsonSerializerOptions Body = new(Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>
    /// Reads a request body: an empty one means <paramref name="defaults"/>; a malformed one, or one with a field
    /// <typeparamref name="T"/> does not know, gives a 400 naming it (Body is then null).
    /// </summary>
    public static async Task<(T? Body, IResult Error)> ReadBodyAsync<T>(HttpRequest request, T defaults)
        where T : class
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.HasJsonContentType()))
        {
            return (defaults, Results.Empty);
        }

        try
        {
            return (await request.ReadFromJsonAsync<T>(Body, request.HttpContext.RequestAborted) ?? defaults, Results.Empty);
        }
        catch (JsonException ex)
        {
            return (null, Results.Problem(
                $"request body: {ex.Message.Split(" Path:", 2)[0]} (fields are snake_case, e.g. games_per_round)", statusCode: StatusCodes.Status400BadRequest));
        }
    }
}
