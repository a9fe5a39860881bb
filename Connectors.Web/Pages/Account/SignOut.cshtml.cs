using Connectors.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Connectors.Web.Pages.Account;

/// <summary>Sign-out is a POST with an antiforgery token, so another site cannot sign a user out with a link.</summary>
public sealed class SignOutModel(ILogger<SignOutModel> logger) : PageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(SiteAuthentication.CookieScheme);
        logger.LogInformation("{UserName} signed out", User.Identity?.Name);
        return RedirectToPage("/Account/SignIn");
    }
}
