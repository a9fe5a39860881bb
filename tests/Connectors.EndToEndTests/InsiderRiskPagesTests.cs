using System.Net;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;

namespace Connectors.Tests;

/// <summary>
/// The insider-risk pages of the status site in a real (headless) browser: only analysts (and Global Administrators) may
/// open them, an analyst finds a seeded alert, reads the signals behind it and triages it, and the triage is audited.
/// Alerts and the people they name are inserted with SQL (this tier has no EF model).
/// </summary>
public sealed class InsiderRiskPagesTests(StackFixture stack) : IClassFixture<StackFixture>
{
    private const string Password = "an insider risk test password";

    private string BaseUrl => stack.App.GetEndpoint(ResourceNames.Web).ToString();

    [Fact]
    public async Task OnlyInsiderRiskAnalystsAndGlobalAdministratorsMayOpenTheAlerts()
    {
        var (alertId, _) = await SeedAlertAsync("Signed a resignation letter.");
        await using var browser = await Browser.LaunchAsync();
        var admin = await SignInAsync(browser, "admin", stack.AdminPassword);
        var configurer = await SignInAsync(browser, await CreateUserAsync(admin, "ComplianceAdministrator"), Password);
        var viewer = await SignInAsync(browser, await CreateUserAsync(admin, "ComplianceViewer"), Password);
        var analyst = await SignInAsync(browser, await CreateUserAsync(admin, "InsiderRiskAnalyst"), Password);

        foreach (var path in new[] { "/insider-risk", $"/insider-risk/{alertId}" })
        {
            await AssertAccessAsync(configurer, path, allowed: false);
            await AssertAccessAsync(viewer, path, allowed: false);
            await AssertAccessAsync(analyst, path, allowed: true);
            await AssertAccessAsync(admin, path, allowed: true);
        }

        // The navigation offers the page only to those it lets in.
        Assert.False(await HasNavLinkAsync(configurer));
        Assert.False(await HasNavLinkAsync(viewer));
        Assert.True(await HasNavLinkAsync(analyst));
        Assert.True(await HasNavLinkAsync(admin));

        // A hand-made POST by someone without the duty triages nothing.
        await configurer.GotoAsync("/");
        var token = await configurer.Locator("#sign-out input[name=__RequestVerificationToken]").GetAttributeAsync("value");
        var response = await configurer.APIRequest.PostAsync($"{BaseUrl.TrimEnd('/')}/insider-risk/{alertId}", new APIRequestContextOptions
        {
            Form = configurer.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!).Set("to", "Dismissed"),
            MaxRedirects = 0,
        });
        Assert.NotEqual((int)HttpStatusCode.OK, response.Status);
        Assert.Equal("Open", await ScalarAsync<string>("SELECT state FROM risk_alerts WHERE id = @id", ("id", alertId)));
    }

    [Fact]
    public async Task AnAnalystReadsTheSignalsConfirmsTheAlertWithNotesAndTheTriageIsAudited()
    {
        const string hostile = "Copied files to <script>document.title='owned'</script> a USB drive";
        var (alertId, email) = await SeedAlertAsync(hostile);
        await using var browser = await Browser.LaunchAsync();
        var admin = await SignInAsync(browser, "admin", stack.AdminPassword);
        var analystName = await CreateUserAsync(admin, "InsiderRiskAnalyst");
        var analyst = await SignInAsync(browser, analystName, Password);

        // Listed among the open alerts, naming the person and the severity.
        await analyst.ClickAsync("#nav-insider-risk");
        var row = analyst.Locator($"#risk-alerts tr[data-alert-id='{alertId}']");
        await row.WaitForAsync();
        Assert.Equal(email, (await row.Locator("[data-field=person]").InnerTextAsync()).Trim());
        Assert.Equal("Medium", await row.Locator("[data-field=severity]").GetAttributeAsync("data-value"));
        Assert.Equal("Open", await row.GetAttributeAsync("data-state"));

        // Opened whole: the signals in time order (they were stored out of order), the hostile text shown as text.
        await row.Locator("[data-field=alert] a").ClickAsync();
        await analyst.Locator("#risk-facts").WaitForAsync();
        Assert.Equal("Departing employee activity", (await analyst.Locator("#risk-summary").InnerTextAsync()).Trim());
        var kinds = new List<string>();
        foreach (var contribution in await analyst.Locator("#risk-contributions tbody tr").AllAsync())
        {
            kinds.Add((await contribution.GetAttributeAsync("data-kind"))!);
        }
        Assert.Equal(["Resignation", "AfterHoursBadge", "DlpHit"], kinds);
        var description = analyst.Locator("#risk-contributions tr[data-kind='DlpHit'] [data-field=description]");
        Assert.Equal(hostile, (await description.InnerTextAsync()).Trim());
        Assert.Equal(0, await analyst.Locator("#risk-contributions script").CountAsync());
        Assert.DoesNotContain("<script>document", await analyst.ContentAsync());
        Assert.NotEqual("owned", await analyst.TitleAsync());

        await analyst.FillAsync("#risk-triage textarea[name=Notes]", "Spoke to the manager: the copy was not authorized.");
        await analyst.ClickAsync("#risk-triage button[data-action=confirm]");
        await analyst.Locator("#message").WaitForAsync();
        Assert.Equal("Confirmed", await analyst.Locator("#risk-facts [data-field=state]").GetAttributeAsync("data-value"));
        var history = analyst.Locator("#risk-history tr[data-audit-id]");
        Assert.Equal(1, await history.CountAsync());
        Assert.Equal(analystName, (await history.Locator("[data-field=analyst]").InnerTextAsync()).Trim());
        Assert.Equal("Open → Confirmed", (await history.Locator("[data-field=state]").InnerTextAsync()).Trim());
        Assert.Equal("Spoke to the manager: the copy was not authorized.", (await history.Locator("[data-field=notes]").InnerTextAsync()).Trim());
        // A confirmed alert offers only reopening.
        Assert.Equal(0, await analyst.Locator("#risk-triage button[data-action=dismiss]").CountAsync());
        Assert.Equal(1, await analyst.Locator("#risk-triage button[data-action=reopen]").CountAsync());

        // The triage is in the audit trail under the analyst's name, as the API records it.
        Assert.Equal(1L, await ScalarAsync<long>("""
            SELECT count(*) FROM audit_records
            WHERE action = 'risk-alert.triaged' AND target_type = 'risk-alert' AND target_id = @id AND actor = @actor
              AND details->>'from' = 'Open' AND details->>'to' = 'Confirmed'
              AND details->>'notes' = 'Spoke to the manager: the copy was not authorized.'
            """, ("id", alertId.ToString()), ("actor", analystName)));

        // Dismissing straight from Confirmed (a stale form) is refused with the reason; the state and the trail stay.
        var token = await analyst.Locator("#risk-triage input[name=__RequestVerificationToken]").GetAttributeAsync("value");
        var dismiss = await analyst.APIRequest.PostAsync(analyst.Url, new APIRequestContextOptions
        {
            Form = analyst.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!).Set("to", "Dismissed").Set("Notes", "Changed my mind"),
        });
        Assert.Equal((int)HttpStatusCode.OK, dismiss.Status);
        Assert.Contains("A confirmed alert must be reopened before it can be dismissed.", await dismiss.TextAsync());
        Assert.Equal("Confirmed", await ScalarAsync<string>("SELECT state FROM risk_alerts WHERE id = @id", ("id", alertId)));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM audit_records WHERE action = 'risk-alert.triaged' AND target_id = @id",
            ("id", alertId.ToString())));

        // No longer among the open alerts; the confirmed filter lists it.
        await analyst.GotoAsync("/insider-risk");
        Assert.Equal(0, await analyst.Locator($"#risk-alerts tr[data-alert-id='{alertId}']").CountAsync());
        await analyst.ClickAsync("#filter-confirmed");
        Assert.Equal(1, await analyst.Locator($"#risk-alerts tr[data-alert-id='{alertId}']").CountAsync());
    }

    private static Task AssertAccessAsync(IPage page, string path, bool allowed) => SitePages.AssertAccessAsync(page, path, allowed);

    private static Task<string> SignedInAsAsync(IPage page) => SitePages.SignedInAsAsync(page);

    private static async Task<bool> HasNavLinkAsync(IPage page)
    {
        await page.GotoAsync("/");
        return await page.Locator("#nav-insider-risk").CountAsync() == 1;
    }

    private Task<IPage> SignInAsync(Browser browser, string userName, string password) => SitePages.SignInAsync(stack, browser, userName, password);

    /// <summary>Creates a user with <paramref name="role"/> on the Users page, as an administrator would.</summary>
    private static Task<string> CreateUserAsync(IPage admin, string role) => SitePages.CreateUserAsync(admin, role, Password);

    /// <summary>
    /// An open, medium departing-employee alert about a new directory account, its three signals stored out of time
    /// order; the DLP signal's description is <paramref name="dlpDescription"/>. Returns the alert and the person's address.
    /// </summary>
    private async Task<(long Id, string Email)> SeedAlertAsync(string dlpDescription)
    {
        var accountId = Guid.NewGuid();
        var email = $"leaver-{accountId:N}"[..20] + "@contoso.com";
        await ExecuteAsync("INSERT INTO directory_accounts (id, email, display_name, enabled, created_at, updated_at) VALUES (@id, @email, 'Leaving Person', true, now(), now())",
            ("id", accountId), ("email", email));
        var start = new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero);
        var contributions = JsonSerializer.Serialize(new object[]
        {
            new { kind = "DlpHit", at = start.AddDays(3), source = "DLP policy Card numbers", description = dlpDescription },
            new { kind = "Resignation", at = start, source = "HR upload 7 record 2", description = "Resignation submitted" },
            new { kind = "AfterHoursBadge", at = start.AddDays(1).AddHours(13), source = "badging upload 3 record 9", description = "Entered HQ at 22:00" },
        });
        var id = await ScalarAsync<long>("""
            INSERT INTO risk_alerts (key, policy, account_id, severity, state, window_start, window_end, summary, contributions, detected_at, updated_at)
            VALUES (@key, 'DepartingEmployee', @account, 'Medium', 'Open', @start, @end, 'Departing employee activity', @contributions::jsonb, now(), now())
            RETURNING id
            """,
            ("key", $"test:{Guid.NewGuid():N}"), ("account", accountId), ("start", start), ("end", start.AddDays(30)), ("contributions", contributions));
        return (id, email);
    }

    private Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters) => new StackSql(stack).ExecuteAsync(sql, parameters);

    private Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters) => new StackSql(stack).ScalarAsync<T>(sql, parameters);
}
