using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Connectors.Web.Pages;

/// <summary>
/// The body of an empty error response (404, 400…), re-executed by the status code pages middleware with the
/// failed request's method; without handler methods the page renders for any method.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class StatusCodeModel : PageModel
{
    public int Code => Convert.ToInt32(RouteData.Values["code"], CultureInfo.InvariantCulture);

    public string Heading => Code switch
    {
        StatusCodes.Status404NotFound => "Page not found",
        StatusCodes.Status400BadRequest => "The request could not be processed",
        StatusCodes.Status403Forbidden => "Access denied",
        StatusCodes.Status405MethodNotAllowed => "That action is not allowed here",
        _ => "Something went wrong",
    };
}
