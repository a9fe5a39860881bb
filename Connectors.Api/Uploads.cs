using Microsoft.AspNetCore.Mvc;

namespace Connectors.Api;

public static class Uploads
{
    /// <summary>
    /// A multipart file upload (field <c>file</c>) with its own size limit instead of the server's default.
    /// API-key callers send no cookies, so there is no antiforgery token to check.
    /// </summary>
    public static RouteHandlerBuilder AcceptsUpload(this RouteHandlerBuilder route, long maxBytes) => route
        .DisableAntiforgery()
        .Accepts<IFormFile>("multipart/form-data")
        .WithMetadata(new RequestSizeLimitAttribute(maxBytes), new RequestFormLimitsAttribute { MultipartBodyLengthLimit = maxBytes });
}
