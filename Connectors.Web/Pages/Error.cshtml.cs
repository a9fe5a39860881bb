using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Connectors.Web.Pages;

/// <summary>
/// Shown by the exception handler. It re-executes the failed request with its method, so every method is
/// served and the antiforgery check (already done or not applicable) is skipped.
/// </summary>
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    /// <summary>Lets an operator find the failed request in the traces.</summary>
    public string TraceId => Activity.Current?.TraceId.ToString() ?? HttpContext.TraceIdentifier;
}
