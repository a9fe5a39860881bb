using Connectors.Security;
using Connectors.Web.Display;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace Connectors.Web.Users;

public static class UserForms
{
    /// <summary>Role choices with the enum name as value, so forms and tests can select by name.</summary>
    public static IReadOnlyList<SelectListItem> RoleOptions { get; } =
        Enum.GetValues<Role>().Select(r => new SelectListItem(Formatting.RoleText(r), r.ToString())).ToList();
}
