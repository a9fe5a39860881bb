using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;

namespace Connectors.Tests;

/// <summary>The Alerts page in a real (headless) browser: an alert raised by the worker, acknowledged on the site.</summary>
public sealed class AlertsPageTests(StackFixture stack) : IClassFixture<StackFixture>
{
    [Fact]
    public async Task AnAdministratorAcknowledgesTheAlertOfAPartialRunOnTheAlertsPage()
    {
        using var api = stack.App.CreateApiClient(stack.AdminApiKey);
        var (connectorId, alertId) = await ImportWithOneBadRowAsync(api, "Leavers feed with a typo");

        await using var browser = await Browser.LaunchAsync();
        var page = await SignInAsync(browser, "admin", stack.AdminPassword);
        Assert.Matches(@"^Alerts \(\d+ open\)$", (await page.Locator("#nav-alerts").InnerTextAsync()).Trim());
        Assert.Contains("open alert", await page.Locator("#open-alerts").InnerTextAsync());

        await page.ClickAsync("#nav-alerts");
        var row = page.Locator($"#alerts tr[data-alert-id='{alertId}']");
        await row.WaitForAsync();
        Assert.Equal("Partial run", (await row.Locator("[data-field=kind]").InnerTextAsync()).Trim());
        Assert.Equal("Warning", (await row.Locator("[data-field=severity]").InnerTextAsync()).Trim());
        Assert.Equal("Leavers feed with a typo", (await row.Locator("[data-field=connector] a").InnerTextAsync()).Trim());
        Assert.Contains("of Leavers feed with a typo", await row.Locator("[data-field=reason]").InnerTextAsync());
        Assert.Equal("Open", (await row.Locator("[data-field=status]").InnerTextAsync()).Trim());

        await row.Locator("button[data-action=acknowledge]").ClickAsync();

        // Back on the list after the redirect: the alert stays listed (it is not resolved) and says who took it.
        await page.Locator("#message").WaitForAsync();
        Assert.Equal($"Alert {alertId} acknowledged.", (await page.Locator("#message").InnerTextAsync()).Trim());
        row = page.Locator($"#alerts tr[data-alert-id='{alertId}']");
        var status = await row.Locator("[data-field=status]").InnerTextAsync();
        Assert.StartsWith("Acknowledged", status.Trim());
        Assert.Contains("by admin", status);
        Assert.Equal(0, await row.Locator("button[data-action=acknowledge]").CountAsync());
        Assert.Equal(1, await row.Locator("button[data-action=resolve]").CountAsync());

        // The change went through the same rules as the API: stored, and in the audit trail under the user's name.
        var alert = await api.GetFromJsonAsync<JsonElement>($"/api/compliance/alerts?connectorId={connectorId}&status=Acknowledged");
        var stored = alert.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("id").GetInt64() == alertId);
        Assert.Equal("admin", stored.GetProperty("acknowledgedBy").GetString());
        var audit = await api.GetFromJsonAsync<JsonElement>($"/api/compliance/audit?action=alert.acknowledged&targetId={alertId}");
        Assert.Equal("admin", audit.GetProperty("items").EnumerateArray().Single().GetProperty("actor").GetString());

        // The connector links to its page, which lists the alert with its new state beside the worklist.
        await row.Locator("[data-field=connector] a").ClickAsync();
        var connectorAlert = page.Locator($"#connector-alerts tr[data-alert-id='{alertId}']");
        await connectorAlert.WaitForAsync();
        Assert.StartsWith("Acknowledged", (await connectorAlert.Locator("[data-field=status]").InnerTextAsync()).Trim());
        Assert.True(long.TryParse(await page.Locator("#quarantine-pending").GetAttributeAsync("data-value"), out _));
        Assert.Equal("Partial", (await page.Locator("#history tr[data-run-id] [data-field=outcome]").First.InnerTextAsync()).Trim());
    }

    [Fact]
    public async Task AViewerSeesAlertsWithoutButtonsAndCannotAcknowledgeByPostingTheForm()
    {
        using var api = stack.App.CreateApiClient(stack.AdminApiKey);
        var (connectorId, alertId) = await ImportWithOneBadRowAsync(api, "Leavers feed read by a viewer");

        await using var browser = await Browser.LaunchAsync();
        var admin = await SignInAsync(browser, "admin", stack.AdminPassword);
        var viewerName = $"viewer-{Guid.NewGuid():N}"[..20];
        const string viewerPassword = "a viewer's long password";
        await admin.GotoAsync("/users/new");
        await admin.FillAsync("input[name=UserName]", viewerName);
        await admin.FillAsync("input[name=DisplayName]", "Read Only");
        await admin.SelectOptionAsync("select[name=Role]", "ComplianceViewer");
        await admin.FillAsync("input[name=Password]", viewerPassword);
        await admin.ClickAsync("button:has-text('Create user')");
        await admin.Locator($"#users tr[data-user-name='{viewerName}']").WaitForAsync();

        var viewer = await SignInAsync(browser, viewerName, viewerPassword);
        await viewer.GotoAsync("/alerts");
        var row = viewer.Locator($"#alerts tr[data-alert-id='{alertId}']");
        await row.WaitForAsync();
        Assert.Equal(0, await viewer.Locator("#alerts button").CountAsync());

        // A hand-made POST with a valid antiforgery token is still refused: the role is checked on the server.
        var token = await viewer.Locator("#sign-out input[name=__RequestVerificationToken]").GetAttributeAsync("value");
        var response = await viewer.APIRequest.PostAsync(new Uri(new Uri(viewer.Url), $"/alerts?handler=Acknowledge&id={alertId}").ToString(),
            new APIRequestContextOptions
            {
                Form = viewer.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!),
                MaxRedirects = 0,
            });
        Assert.Equal((int)HttpStatusCode.Forbidden, response.Status);

        var alerts = await api.GetFromJsonAsync<JsonElement>($"/api/compliance/alerts?connectorId={connectorId}");
        var stored = alerts.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("id").GetInt64() == alertId);
        Assert.Equal("Open", stored.GetProperty("status").GetString());
    }

    /// <summary>An HR connector whose upload has one unreadable date: the run is Partial and raises a RunPartial alert.</summary>
    private static async Task<(string ConnectorId, long AlertId)> ImportWithOneBadRowAsync(HttpClient api, string name)
    {
        var created = await api.PostAsJsonAsync("/api/compliance/connectors", new { name, type = "HR" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var csv = "EmailAddress,ResignationDate,LastWorkingDate\n" +
                  "dana@contoso.com,2026-10-01T09:00:00Z,2026-10-31\n" +
                  "erin@contoso.com,next tuesday,2026-10-31\n";
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "leavers.csv" } };
        var uploaded = await api.PostAsync($"/api/compliance/connectors/{id}/signals", form);
        Assert.Equal(HttpStatusCode.Accepted, uploaded.StatusCode);
        await ImportEndToEndTests.PollAsync(() => api.GetFromJsonAsync<JsonElement>(uploaded.Headers.Location!),
            u => u.GetProperty("status").GetString() == "Imported");

        var alerts = await ImportEndToEndTests.PollAsync(
            async () => (await api.GetFromJsonAsync<JsonElement>($"/api/compliance/alerts?connectorId={id}")).GetProperty("items").EnumerateArray().ToList(),
            items => items.Any(a => a.GetProperty("kind").GetString() == "RunPartial"));
        return (id, alerts.Single(a => a.GetProperty("kind").GetString() == "RunPartial").GetProperty("id").GetInt64());
    }

    private Task<IPage> SignInAsync(Browser browser, string userName, string password) => SitePages.SignInAsync(stack, browser, userName, password);
}
