using System.Net;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;
using Npgsql;

namespace Connectors.Tests;

/// <summary>What page tests of the status site do alike: sign in, create users by role, check access.</summary>
internal static class SitePages
{
    /// <summary>A new browser page signed in as <paramref name="userName"/>.</summary>
    public static async Task<IPage> SignInAsync(StackFixture stack, Browser browser, string userName, string password)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = stack.App.GetEndpoint(ResourceNames.Web).ToString() });
        await page.GotoAsync("/sign-in");
        await page.FillAsync("input[name=UserName]", userName);
        await page.FillAsync("input[name=Password]", password);
        await page.ClickAsync("button:has-text('Sign in')");
        await page.Locator("#signed-in-user").WaitForAsync();
        return page;
    }

    /// <summary>Creates a user with <paramref name="role"/> on the Users page, as an administrator would.</summary>
    public static async Task<string> CreateUserAsync(IPage admin, string role, string password)
    {
        var userName = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}"[..36];
        await admin.GotoAsync("/users/new");
        await admin.FillAsync("input[name=UserName]", userName);
        await admin.FillAsync("input[name=DisplayName]", role);
        await admin.SelectOptionAsync("select[name=Role]", role);
        await admin.FillAsync("input[name=Password]", password);
        await admin.ClickAsync("button:has-text('Create user')");
        await admin.Locator($"#users tr[data-user-name='{userName}']").WaitForAsync();
        return userName;
    }

    /// <summary>The page opens (200), or is refused with the access-denied page (403).</summary>
    public static async Task AssertAccessAsync(IPage page, string path, bool allowed)
    {
        var response = await page.GotoAsync(path);
        Assert.NotNull(response);
        if (allowed)
        {
            Assert.True(response.Status == (int)HttpStatusCode.OK, $"{path} should open for {await SignedInAsAsync(page)}, got {response.Status}");
        }
        else
        {
            Assert.True(response.Status == (int)HttpStatusCode.Forbidden && page.Url.Contains("/access-denied"),
                $"{path} should be refused to {await SignedInAsAsync(page)}, got {response.Status} at {page.Url}");
        }
    }

    public static Task<string> SignedInAsAsync(IPage page) => page.Locator("#signed-in-user").InnerTextAsync();
}

/// <summary>Plain SQL against the stack's database, for seeding and checking (this tier has no EF model).</summary>
internal sealed class StackSql(StackFixture stack)
{
    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(await stack.App.GetConnectionStringAsync(ResourceNames.Postgres));
        await connection.OpenAsync();
        return connection;
    }

    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)value;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command;
    }
}
