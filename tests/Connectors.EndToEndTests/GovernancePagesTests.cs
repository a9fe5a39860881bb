using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;
using Npgsql;

namespace Connectors.Tests;

/// <summary>
/// The governance pages of the status site in a real (headless) browser: who may open each, placing and releasing a
/// hold, and working a flagged item in the review queue. Archive items are seeded with SQL (this tier has no EF model);
/// PostgreSQL computes their content hash and the audit chain itself.
/// </summary>
public sealed class GovernancePagesTests(StackFixture stack) : IClassFixture<StackFixture>
{
    private const string Password = "a governance test password";

    private string BaseUrl => stack.App.GetEndpoint(ResourceNames.Web).ToString();

    [Fact]
    public async Task EachGovernancePageLetsInOnlyTheRolesWhoseDutyItIs()
    {
        var (reviewId, _) = await SeedFlaggedItemAsync("Please call me on whatsapp tonight.", "whatsapp");
        await using var browser = await Browser.LaunchAsync();
        var admin = await SignInAsync(browser, "admin", stack.AdminPassword);
        var viewer = await SignInAsync(browser, await CreateUserAsync(admin, "ComplianceViewer"), Password);
        var configurer = await SignInAsync(browser, await CreateUserAsync(admin, "ComplianceAdministrator"), Password);
        var reviewer = await SignInAsync(browser, await CreateUserAsync(admin, "ComplianceReviewer"), Password);

        // Which of viewer, compliance administrator, reviewer and global administrator may open each page.
        (string Path, bool Viewer, bool Configurer, bool Reviewer)[] pages =
        [
            ("/governance/retention", false, true, false),
            ("/governance/holds", false, true, false),
            ("/governance/dlp", false, true, false),
            ("/governance/dlp/matches", false, true, true),
            ("/governance/review", false, false, true),
            ($"/governance/review/{reviewId}", false, false, true),
            ("/governance/audit", false, false, false),
        ];
        foreach (var (path, viewerMay, configurerMay, reviewerMay) in pages)
        {
            await AssertAccessAsync(viewer, path, viewerMay);
            await AssertAccessAsync(configurer, path, configurerMay);
            await AssertAccessAsync(reviewer, path, reviewerMay);
            await AssertAccessAsync(admin, path, true);
        }

        // The navigation offers each role only the pages it may open.
        Assert.Equal(0, await NavLinksAsync(viewer));
        Assert.Equal(["DLP", "Holds", "Retention"], (await NavTextsAsync(configurer)).Order());
        Assert.Equal(["DLP matches", "Review queue"], (await NavTextsAsync(reviewer)).Order());
        Assert.Equal(["Audit log", "DLP", "Holds", "Retention", "Review queue"], (await NavTextsAsync(admin)).Order());

        // Separation of duties holds for a hand-made POST too: a Compliance Administrator cannot act on a review item.
        await configurer.GotoAsync("/governance/holds");
        var token = await configurer.Locator("#sign-out input[name=__RequestVerificationToken]").GetAttributeAsync("value");
        var response = await configurer.APIRequest.PostAsync($"{BaseUrl.TrimEnd('/')}/governance/review/{reviewId}", new APIRequestContextOptions
        {
            Form = configurer.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!).Set("kind", "Resolve"),
            MaxRedirects = 0,
        });
        Assert.NotEqual((int)HttpStatusCode.OK, response.Status);
        Assert.True(response.Status == (int)HttpStatusCode.Forbidden || response.Headers["location"].Contains("access-denied"),
            $"expected a refusal, got {response.Status}");
        await reviewer.GotoAsync($"/governance/review/{reviewId}");
        Assert.Equal("Pending", await reviewer.Locator("#review-facts [data-field=state]").GetAttributeAsync("data-value"));
    }

    [Fact]
    public async Task AHoldPlacedThroughTheFormIsListedReleasedWithAReasonAndAudited()
    {
        var custodian = $"custodian-{Guid.NewGuid():N}@contoso.com"[..40];
        await ExecuteAsync("INSERT INTO directory_accounts (id, email, display_name, enabled, created_at, updated_at) VALUES (@id, @email, 'Held Person', true, now(), now())",
            ("id", Guid.NewGuid()), ("email", custodian));
        await using var browser = await Browser.LaunchAsync();
        var admin = await SignInAsync(browser, "admin", stack.AdminPassword);
        await admin.GotoAsync("/governance/holds");

        // An unknown custodian and a backwards date range are refused, each next to its field, and nothing is placed.
        var name = $"Matter {Guid.NewGuid():N}"[..20];
        await admin.FillAsync("input[name='Place.Name']", name);
        await admin.FillAsync("input[name='Place.Custodian']", "nobody@contoso.com");
        await admin.FillAsync("input[name='Place.SentFrom']", "2026-06-01");
        await admin.FillAsync("input[name='Place.SentTo']", "2026-01-01");
        await admin.ClickAsync("#place-hold button[type=submit]");
        Assert.Contains("No directory account has the address nobody@contoso.com.",
            await admin.Locator("[data-valmsg-for='Place.Custodian']").InnerTextAsync());
        Assert.Contains("after its start", await admin.Locator("[data-valmsg-for='Place.SentTo']").InnerTextAsync());
        Assert.Equal(0, await admin.Locator($"#active-holds tr[data-hold-name='{name}']").CountAsync());
        Assert.Equal(name, await admin.InputValueAsync("input[name='Place.Name']")); // what was typed is kept

        await admin.FillAsync("input[name='Place.Custodian']", custodian);
        await admin.FillAsync("input[name='Place.SentTo']", "2027-01-01");
        await admin.ClickAsync("#place-hold button[type=submit]");
        await admin.Locator("#message").WaitForAsync();
        Assert.Equal($"Placed hold {name}.", (await admin.Locator("#message").InnerTextAsync()).Trim());
        var row = admin.Locator($"#active-holds tr[data-hold-name='{name}']");
        Assert.Equal(custodian, (await row.Locator("[data-field=custodian]").InnerTextAsync()).Trim());
        var dates = await row.Locator("[data-field=dates]").InnerTextAsync();
        Assert.Contains("From 2026-06-01 00:00:00 UTC", dates);
        Assert.Contains("Before 2027-01-01 00:00:00 UTC", dates);
        Assert.Contains("by admin", await row.Locator("[data-field=placed]").InnerTextAsync());
        var holdId = await row.GetAttributeAsync("data-hold-id");

        // Released with a reason: it moves to the released list, saying who and why.
        await row.Locator("input[name=reason]").FillAsync("Matter settled");
        await row.Locator("button[data-action=release]").ClickAsync();
        await admin.Locator("#message").WaitForAsync();
        Assert.Equal(0, await admin.Locator($"#active-holds tr[data-hold-id='{holdId}']").CountAsync());
        Assert.Contains("by admin: Matter settled",
            await admin.Locator($"#released-holds tr[data-hold-id='{holdId}'] [data-field=released]").InnerTextAsync());

        // Both changes are in the audit log under the user's name, filtered by action.
        foreach (var action in new[] { "hold.placed", "hold.released" })
        {
            await admin.GotoAsync($"/governance/audit?filter={action}");
            var record = admin.Locator($"#audit-records tr[data-target-id='{holdId}']");
            Assert.Equal(1, await record.CountAsync());
            Assert.Equal("admin", (await record.Locator("[data-field=actor]").InnerTextAsync()).Trim());
            Assert.Equal(action, await record.GetAttributeAsync("data-action"));
            Assert.Matches("^[0-9a-f]{64}$", await record.Locator("[data-field=hash] code").GetAttributeAsync("title") ?? "");
            Assert.Equal(0, await admin.Locator($"#audit-records tbody tr:not([data-action='{action}'])").CountAsync());
        }
    }

    [Fact]
    public async Task AReviewerSeesTheHitMarkedResolvesTheItemAndTheHistoryRecordsIt()
    {
        const string body = "Before you ask: <script>document.title='owned'</script> let's move this to WhatsApp, ok?";
        var (reviewId, itemId) = await SeedFlaggedItemAsync(body, "WhatsApp");
        await using var browser = await Browser.LaunchAsync();
        var admin = await SignInAsync(browser, "admin", stack.AdminPassword);
        var reviewerName = await CreateUserAsync(admin, "ComplianceReviewer");
        var reviewer = await SignInAsync(browser, reviewerName, Password);

        // The queue shows the excerpt with the hit in <mark>, and the markup in the message as text.
        await reviewer.GotoAsync("/governance/review");
        var queued = reviewer.Locator($"#review-queue tr[data-review-id='{reviewId}']");
        Assert.Equal("WhatsApp", (await queued.Locator("[data-field=snippet] mark").InnerTextAsync()).Trim());
        Assert.Contains("<script>", await queued.Locator("[data-field=snippet]").InnerTextAsync());
        Assert.Equal(0, await reviewer.Locator("#review-queue script").CountAsync());

        await queued.Locator("[data-field=item] a").ClickAsync();
        var flagged = reviewer.Locator($"#conversation li[data-item-id='{itemId}']");
        await flagged.WaitForAsync();
        Assert.Equal("true", await flagged.GetAttributeAsync("data-flagged"));
        Assert.Equal(2, await reviewer.Locator("#conversation li").CountAsync()); // the message before it is shown too
        Assert.Equal("WhatsApp", (await flagged.Locator("[data-field=body] mark").InnerTextAsync()).Trim());
        Assert.Equal(body, await flagged.Locator("[data-field=body]").InnerTextAsync());
        Assert.Equal(0, await reviewer.Locator("#conversation script").CountAsync());
        Assert.DoesNotContain("<script>document", await reviewer.ContentAsync()); // encoded, never raw
        Assert.NotEqual("owned", await reviewer.TitleAsync());

        // A comment without notes is refused with the reason; nothing is recorded.
        await reviewer.ClickAsync("#review-action button[data-action=comment]");
        Assert.Contains("A comment needs notes.", await reviewer.Locator("#refusal").InnerTextAsync());
        Assert.Equal(0, await reviewer.Locator("#review-history tr[data-action-id]").CountAsync());

        await reviewer.FillAsync("#review-action textarea[name=Notes]", "Asked to keep business on approved channels.");
        await reviewer.ClickAsync("#review-action button[data-action=resolve]");
        await reviewer.Locator("#message").WaitForAsync();
        Assert.Equal("Resolved", await reviewer.Locator("#review-facts [data-field=state]").GetAttributeAsync("data-value"));
        var history = reviewer.Locator("#review-history tr[data-action-id]");
        Assert.Equal(1, await history.CountAsync());
        Assert.Equal(reviewerName, (await history.Locator("[data-field=reviewer]").InnerTextAsync()).Trim());
        Assert.Equal("Resolved", (await history.Locator("[data-field=action]").InnerTextAsync()).Trim());
        Assert.Equal("Pending → Resolved", (await history.Locator("[data-field=state]").InnerTextAsync()).Trim());
        Assert.Equal("Asked to keep business on approved channels.", (await history.Locator("[data-field=notes]").InnerTextAsync()).Trim());
        Assert.Equal(0, await reviewer.Locator("#review-action button[data-action=resolve]").CountAsync());

        // Resolving a resolved item again (a stale form) is refused with the reason, and the state stays.
        var token = await reviewer.Locator("#review-action input[name=__RequestVerificationToken]").GetAttributeAsync("value");
        var again = await reviewer.APIRequest.PostAsync(reviewer.Url, new APIRequestContextOptions
        {
            Form = reviewer.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!).Set("kind", "Resolve"),
        });
        Assert.Contains("cannot be marked Resolve", await again.TextAsync());

        // The queue no longer lists it as open; the resolved filter does.
        await reviewer.GotoAsync("/governance/review");
        Assert.Equal(0, await reviewer.Locator($"#review-queue tr[data-review-id='{reviewId}']").CountAsync());
        await reviewer.ClickAsync("#filter-resolved");
        Assert.Equal(1, await reviewer.Locator($"#review-queue tr[data-review-id='{reviewId}']").CountAsync());

        // Opening the item and acting on it are in the audit trail under the reviewer's name.
        await admin.GotoAsync("/governance/audit?filter=review.item-opened");
        Assert.True(await admin.Locator($"#audit-records tr[data-target-id='{reviewId}'] [data-field=actor]:text-is('{reviewerName}')").CountAsync() >= 1);
        await admin.GotoAsync("/governance/audit?filter=review.action");
        Assert.Equal(1, await admin.Locator($"#audit-records tr[data-target-id='{reviewId}']").CountAsync());
    }

    private static async Task AssertAccessAsync(IPage page, string path, bool allowed)
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

    private static Task<string> SignedInAsAsync(IPage page) => page.Locator("#signed-in-user").InnerTextAsync();

    private static async Task<int> NavLinksAsync(IPage page)
    {
        await page.GotoAsync("/");
        return await page.Locator("#nav-governance a").CountAsync();
    }

    private static async Task<string[]> NavTextsAsync(IPage page)
    {
        await page.GotoAsync("/");
        return (await page.Locator("#nav-governance a").AllInnerTextsAsync()).Select(t => t.Trim()).ToArray();
    }

    private async Task<IPage> SignInAsync(Browser browser, string userName, string password)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = BaseUrl });
        await page.GotoAsync("/sign-in");
        await page.FillAsync("input[name=UserName]", userName);
        await page.FillAsync("input[name=Password]", password);
        await page.ClickAsync("button:has-text('Sign in')");
        await page.Locator("#signed-in-user").WaitForAsync();
        return page;
    }

    /// <summary>Creates a user with <paramref name="role"/> on the Users page, as an administrator would.</summary>
    private static async Task<string> CreateUserAsync(IPage admin, string role)
    {
        var userName = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}"[..36];
        await admin.GotoAsync("/users/new");
        await admin.FillAsync("input[name=UserName]", userName);
        await admin.FillAsync("input[name=DisplayName]", role);
        await admin.SelectOptionAsync("select[name=Role]", role);
        await admin.FillAsync("input[name=Password]", Password);
        await admin.ClickAsync("button:has-text('Create user')");
        await admin.Locator($"#users tr[data-user-name='{userName}']").WaitForAsync();
        return userName;
    }

    /// <summary>
    /// A Slack conversation of two messages, the second flagged by a supervision policy for <paramref name="term"/>
    /// (which must occur in <paramref name="body"/>). Returns the review item and the flagged archive item.
    /// </summary>
    private async Task<(long ReviewId, long ItemId)> SeedFlaggedItemAsync(string body, string term)
    {
        // Items belong to a connector's run: an HR connector runs once when created.
        using var api = stack.App.CreateApiClient(stack.AdminApiKey);
        var created = await api.PostAsJsonAsync("/api/compliance/connectors", new { name = $"Seed {Guid.NewGuid():N}"[..20], type = "HR" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var connectorId = Guid.Parse((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        var runId = await ImportEndToEndTests.PollAsync(
            () => ScalarAsync<long?>("SELECT max(id) FROM import_runs WHERE connector_id = @c", ("c", connectorId)), id => id is not null);

        var raw = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
        await ExecuteAsync("INSERT INTO content_blobs (sha256, size, content) VALUES (@sha, 4, '\\x7261770a'::bytea)", ("sha", raw));
        var conversation = $"C{Guid.NewGuid():N}";
        var sentAt = new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);
        var earlier = await InsertItemAsync(connectorId, runId!.Value, raw, conversation, sentAt.AddMinutes(-5), "Ana", "Are we still on for the call?");
        var flagged = await InsertItemAsync(connectorId, runId.Value, raw, conversation, sentAt, "Ben", body);
        Assert.NotEqual(earlier, flagged);

        var policyId = Guid.NewGuid();
        await ExecuteAsync("""
            INSERT INTO supervision_policies (id, name, enabled, lexicon_ids, source_types, people, sampling_percent, created_at, created_by, updated_at)
            VALUES (@id, @name, true, '{}', '{}', '{}', 100, now(), 'admin', now())
            """, ("id", policyId), ("name", $"Off-channel {policyId:N}"));
        var offset = body.IndexOf(term, StringComparison.Ordinal);
        Assert.True(offset >= 0);
        var hits = JsonSerializer.Serialize(new[] { new { section = "body", lexicon = "Off-channel communication", term = term.ToLowerInvariant(), offset, length = term.Length } });
        var reviewId = await ScalarAsync<long>("""
            INSERT INTO review_items (policy_id, item_id, hits, state, flagged_at, updated_at)
            VALUES (@policy, @item, @hits::jsonb, 'Pending', now(), now()) RETURNING id
            """, ("policy", policyId), ("item", flagged), ("hits", hits));
        return (reviewId, flagged);
    }

    private Task<long> InsertItemAsync(Guid connectorId, long runId, string raw, string conversation, DateTimeOffset sentAt, string sender, string body)
    {
        var sourceId = Guid.NewGuid().ToString("N");
        return ScalarAsync<long>("""
            INSERT INTO archive_items (item_key, version_hash, version_kind, connector_id, run_id, source_type, item_class, source_account, source_id,
                conversation_id, sender, recipients, sent_at, ingested_at, body_text, attachments, raw_sha256, raw_size)
            VALUES (@key, @version, 'Original', @connector, @run, 'Slack', 'ipm.externaldata.slack', 'T0001', @source,
                @conversation, @sender::jsonb, '[]'::jsonb, @sent, now(), @body, '[]'::jsonb, @raw, 4)
            RETURNING id
            """,
            ("key", $"slack:T0001:{sourceId}"), ("version", raw), ("connector", connectorId), ("run", runId), ("source", sourceId),
            ("conversation", conversation), ("sender", JsonSerializer.Serialize(new { displayName = sender, sourceId = "U" + sender })),
            ("sent", sentAt), ("body", body), ("raw", raw));
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(await stack.App.GetConnectionStringAsync(ResourceNames.Postgres));
        await connection.OpenAsync();
        return connection;
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
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
