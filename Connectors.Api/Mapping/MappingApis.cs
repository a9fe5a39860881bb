using Connectors.Api.Mapping;

// In the Api's root namespace (like UseApiPipeline), so Program.cs maps both feature APIs with one line and no extra using.
namespace Connectors.Api;

public static class MappingApis
{
    /// <summary>The organisation directory and the per-connector identity mapping.</summary>
    public static IEndpointRouteBuilder MapMappingApis(this IEndpointRouteBuilder app) => app.MapDirectoryApi().MapMappingApi();
}
