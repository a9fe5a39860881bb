using Connectors.Connectors;
using Connectors.Data;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Web.Pages.Governance;

/// <summary>Choices and error plumbing the governance forms share.</summary>
public static class GovernanceForms
{
    /// <summary>Every source type, by display name, with an empty "any" choice first.</summary>
    public static IReadOnlyList<SelectListItem> SourceTypeOptions(string anyText) =>
        [new SelectListItem(anyText, ""), .. ConnectorTypes.All.OrderBy(t => t.DisplayName).Select(t => new SelectListItem(t.DisplayName, t.Id))];

    /// <summary>The connectors by name, with an empty "any" choice first.</summary>
    public static async Task<IReadOnlyList<SelectListItem>> ConnectorOptionsAsync(ConnectorsDbContext db, string anyText, CancellationToken ct)
    {
        var connectors = await db.Connectors.AsNoTracking().OrderBy(c => c.Name).Select(c => new { c.Id, c.Name }).ToListAsync(ct);
        return [new SelectListItem(anyText, ""), .. connectors.Select(c => new SelectListItem(c.Name, c.Id.ToString()))];
    }

    /// <summary>Enum choices with the name as value, so forms and tests select by name.</summary>
    public static IReadOnlyList<SelectListItem> EnumOptions<T>(Func<T, string> text) where T : struct, Enum =>
        Enum.GetValues<T>().Select(v => new SelectListItem(text(v), v.ToString())).ToList();

    /// <summary>
    /// Puts errors keyed by a Core request field (camelCase) next to the form field that carries it;
    /// an unknown key lands in the summary at the top of the form.
    /// </summary>
    public static void AddErrors(ModelStateDictionary modelState, IReadOnlyDictionary<string, string[]> errors,
        IReadOnlyDictionary<string, string> fieldOf)
    {
        foreach (var (key, messages) in errors)
        {
            var field = fieldOf.GetValueOrDefault(key, "");
            foreach (var message in messages)
            {
                modelState.AddModelError(field, message);
            }
        }
    }
}
