using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;

namespace Connectors.Tests;

/// <summary>The status site in a real (headless) browser against the running stack.</summary>
public sealed class StatusSiteTests(StackFixture stack) : IClassFixture<StackFixture>
{
    [Fact]
    public async Task AnAdministratorSignsInAndSeesTheConnectorWithItsLastRunOnTheDashboard()
    {
        using var api = stack.App.CreateApiClient(stack.AdminApiKey);
        var created = await api.PostAsJsonAsync("/api/compliance/connectors", new { name = "Badge-free HR feed", type = "HR" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await ImportEndToEndTests.PollAsync(() => api.GetFromJsonAsync<JsonElement>($"/api/compliance/connectors/{id}/status"),
            s => s.GetProperty("status").GetString() == "Active");

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = stack.App.GetEndpoint(ResourceNames.Web).ToString() });

        await page.GotoAsync("/");
        Assert.Contains("/sign-in", page.Url); // nothing is shown before signing in
        await page.FillAsync("input[name=UserName]", "admin");
        await page.FillAsync("input[name=Password]", stack.AdminPassword);
        await page.ClickAsync("button:has-text('Sign in')");

        var row = page.Locator($"#connectors tr[data-connector-id='{id}']");
        await row.WaitForAsync();
        Assert.Contains("Badge-free HR feed", await row.InnerTextAsync());
        Assert.Equal("Active", (await row.Locator("[data-field=status]").InnerTextAsync()).Trim());
        Assert.Contains("Administrator", await page.Locator("#signed-in-user").InnerTextAsync());

        // The connector page shows the run the worker recorded.
        await row.Locator("a").First.ClickAsync();
        var run = page.Locator("#history tr[data-run-id]").First;
        await run.WaitForAsync();
        Assert.Equal("No items", (await run.Locator("[data-field=outcome]").InnerTextAsync()).Trim());
    }

    [Fact]
    public async Task AWrongPasswordIsRefusedWithoutSayingWhetherTheUserExists()
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = stack.App.GetEndpoint(ResourceNames.Web).ToString() });

        await page.GotoAsync("/sign-in");
        await page.FillAsync("input[name=UserName]", "admin");
        await page.FillAsync("input[name=Password]", "not-the-password");
        await page.ClickAsync("button:has-text('Sign in')");

        Assert.Contains("The user name or password is incorrect.", await page.ContentAsync());
        Assert.Contains("/sign-in", page.Url);
    }
}

/// <summary>Debian's Chromium driven by Playwright (its own browser download does not work offline).</summary>
internal sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser) => (_playwright, _browser) = (playwright, browser);

    public static async Task<Browser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return new Browser(playwright, browser);
    }

    public Task<IPage> NewPageAsync(BrowserNewPageOptions options) => _browser.NewPageAsync(options);

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
