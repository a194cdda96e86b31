using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetFleet.Node;

namespace NetFleet.Api;

/// <summary>
/// <c>Authorization: Bearer TOKEN</c>, checked against the tokens in the job store (<see cref="ApiTokens"/>): the
/// principal is the token's name with its role as a role claim. No header or an unknown token is 401; the role is
/// checked by the endpoints' policies (<see cref="ViewerPolicy"/>, <see cref="OperatorPolicy"/>), a miss being 403.
/// </summary>
public sealed class BearerTokenHandler(IOptionsMonitor<BearerTokenOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<BearerTokenOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    public const string ViewerPolicy = "viewer";
    public const string OperatorPolicy = "operator";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.Fail("not a bearer token");
        var token = header["Bearer ".Length..].Trim();
        var found = token.Length == 0 ? null : await ApiTokens.FindAsync(Options.Store!, token, Context.RequestAborted);
        if (found is null) return AuthenticateResult.Fail("unknown token");
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, found.Name), new Claim(ClaimTypes.Role, ApiTokens.RoleName(found.Role))], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Response.WriteAsJsonAsync(new ApiError("a valid bearer token is needed (Authorization: Bearer TOKEN; netfleet token add)"),
            NetFleetApi.Json);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Response.WriteAsJsonAsync(new ApiError("this token's role may not do that (operator needed)"), NetFleetApi.Json);
    }
}

public sealed class BearerTokenOptions : AuthenticationSchemeOptions
{
    /// <summary>Where the tokens are: the node's job store.</summary>
    public JobStore? Store { get; set; }
}
