using System.ComponentModel.DataAnnotations;
using Connectors.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Connectors.Web.Pages.Account;

/// <summary>
/// Local user name and password sign-in. With single sign-on this page would challenge the identity
/// provider instead (see <see cref="SiteAuthentication"/>).
/// </summary>
public sealed class SignInModel : PageModel
{
    // One message for every failure, so the page never tells whether a user name exists.
    public const string Failed = "The user name or password is incorrect.";

    [BindProperty, Required(ErrorMessage = "Enter your user name."), Display(Name = "User name")]
    public string UserName { get; set; } = "";

    [BindProperty, Required(ErrorMessage = "Enter your password."), DataType(DataType.Password)]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public IActionResult OnGet() =>
        User.Identity?.IsAuthenticated == true ? LocalRedirect(SafeReturnUrl) : Page();

    public async Task<IActionResult> OnPostAsync([FromServices] LocalSignIn signIn)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }
        if (!await signIn.SignInAsync(HttpContext, UserName, Password))
        {
            ModelState.AddModelError(string.Empty, Failed);
            return Page();
        }
        return LocalRedirect(SafeReturnUrl);
    }

    /// <summary>Only a path on this site: an absolute return URL would make the page an open redirect.</summary>
    private string SafeReturnUrl => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/";
}
