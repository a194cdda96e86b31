using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace NetFleet.Api;

/// <summary>Adds the bearer token scheme to the OpenAPI document and requires it on every operation but the health check.</summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "NetFleet API";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [BearerTokenHandler.SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                In = ParameterLocation.Header,
                Description = "A token from `netfleet token add NAME --role viewer|operator`; viewers read, operators also submit, cancel, approve and roll back.",
            },
        };
        foreach (var (path, item) in document.Paths)
        {
            if (path == "/api/health" || item.Operations is null) continue;
            foreach (var operation in item.Operations.Values)
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerTokenHandler.SchemeName, document)] = [] });
            }
        }

        return Task.CompletedTask;
    }
}
