using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;

namespace Connectors.Tests;

/// <summary>
/// The governance pages of the status site in a real (headless) browser: who may open each, the policy forms (retention,
/// DLP, lexicons and supervision), placing and releasing a hold, and working a flagged item in the review queue. Archive
/// items and seeded policies are inserted with SQL (this tier has no EF model); PostgreSQL computes content hashes and the
/// audit chain itself.
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
            ("/governance/supervision", false, true, true),
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
        Assert.Equal(["DLP", "Holds", "Retention", "Supervision"], (await NavTextsAsync(configurer)).Order());
        Assert.Equal(["DLP matches", "Review queue", "Supervision"], (await NavTextsAsync(reviewer)).Order());
        Assert.Equal(["Audit log", "DLP", "Holds", "Retention", "Review queue", "Supervision"], (await NavTextsAsync(admin)).Order());

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

    [Fact]
    public async Task ALexiconWithABadLineShowsEachLineErrorAndSavesNothing()
    {
        await using var browser = await Browser.LaunchAsync();
        var admin = await SignInAsync(browser, "admin", stack.AdminPassword);
        await admin.GotoAsync("/governance/supervision");

        var name = $"Lexicon {Guid.NewGuid():N}"[..24];
        const string terms = "guarantee\n*\nsure thing\ngu*\n";
        await admin.FillAsync("input[name='CreateLexicon.Name']", name);
        await admin.FillAsync("textarea[name='CreateLexicon.Terms']", terms);
        await admin.ClickAsync("#create-lexicon button[type=submit]");

        // Every bad line is named, the good ones are not, and what was typed is kept to be corrected.
        var errors = (await admin.Locator("[data-valmsg-for='CreateLexicon.Terms'] li").AllInnerTextsAsync()).Select(e => e.Trim()).ToArray();
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("Line 2: A '*' on its own would match every word", errors[0]);
        Assert.StartsWith("Line 4: 'gu*': a stem needs at least 3 characters", errors[1]);
        Assert.Equal(terms, (await admin.InputValueAsync("textarea[name='CreateLexicon.Terms']")).ReplaceLineEndings("\n"));
        Assert.Equal(name, await admin.InputValueAsync("input[name='CreateLexicon.Name']"));

        Assert.Equal(0, await admin.Locator($"#lexicons tr[data-lexicon-name='{name}']").CountAsync());
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM lexicons WHERE name = @name", ("name", name)));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM audit_records WHERE action = 'lexicon.changed' AND details::text LIKE @name",
            ("name", $"%{name}%")));
    }

    [Fact]
    public async Task ALexiconAndASupervisionPolicyMadeThroughTheFormsAreListedChangedAndAudited()
    {
        await using var browser = await Browser.LaunchAsync();
        var admin = await SignInAsync(browser, "admin", stack.AdminPassword);
        await admin.GotoAsync("/governance/supervision");

        // A lexicon: repeated terms (whatever their case) are kept once, phrases lose their quotes and extra spaces.
        var lexiconName = $"Promises {Guid.NewGuid():N}"[..24];
        await admin.FillAsync("input[name='CreateLexicon.Name']", $"  {lexiconName} ");
        await admin.FillAsync("textarea[name='CreateLexicon.Terms']", "guarant*\n\n\"Sure   thing\"\nGUARANT*\n");
        await admin.ClickAsync("#create-lexicon button[type=submit]");
        await admin.Locator("#message").WaitForAsync();
        Assert.Equal($"Created lexicon {lexiconName} with 2 terms.", (await admin.Locator("#message").InnerTextAsync()).Trim());
        var lexicon = admin.Locator($"#lexicons tr[data-lexicon-name='{lexiconName}']");
        Assert.Equal("2", (await lexicon.Locator("[data-field=termCount]").InnerTextAsync()).Trim());
        Assert.Equal(["guarant*", "Sure thing"], (await lexicon.Locator("[data-field=terms] ul.terms li").AllInnerTextsAsync()).Select(t => t.Trim()));
        var lexiconId = await lexicon.GetAttributeAsync("data-lexicon-id");

        // Editing its terms: a bad line is refused in that row with nothing changed; a good list replaces the terms.
        await lexicon.Locator("details.edit-terms summary").ClickAsync();
        await lexicon.Locator("textarea[name=terms]").FillAsync("guarant*\nfree mon*ey");
        await lexicon.Locator("button[data-action=save-terms]").ClickAsync();
        lexicon = admin.Locator($"#lexicons tr[data-lexicon-id='{lexiconId}']");
        Assert.StartsWith("Line 2: 'free mon*ey': '*' can only end a word",
            (await lexicon.Locator("[data-valmsg-for=terms] li").InnerTextAsync()).Trim());
        Assert.Equal("2", (await lexicon.Locator("[data-field=termCount]").InnerTextAsync()).Trim());
        await lexicon.Locator("textarea[name=terms]").FillAsync("guarant*\nfree money\nrisk-free");
        await lexicon.Locator("button[data-action=save-terms]").ClickAsync();
        await admin.Locator("#message").WaitForAsync();
        Assert.Equal($"Updated lexicon {lexiconName}: 2 added, 1 removed.", (await admin.Locator("#message").InnerTextAsync()).Trim());
        Assert.Equal("3", (await admin.Locator($"#lexicons tr[data-lexicon-id='{lexiconId}'] [data-field=termCount]").InnerTextAsync()).Trim());

        // A built-in lexicon copied into an editable one, with all its terms.
        var builtIn = admin.Locator("#built-in-lexicons tr[data-built-in-name='Off-channel communication']");
        var builtInCount = (await builtIn.Locator("[data-field=termCount]").InnerTextAsync()).Trim();
        await builtIn.Locator("button[data-action=copy]").ClickAsync();
        await admin.Locator("#message").WaitForAsync();
        // Named as the built-in one, or "… (copy 2)" when that name is taken.
        var copied = Regex.Match((await admin.Locator("#message").InnerTextAsync()).Trim(),
            @"^Copied built-in lexicon Off-channel communication(?: as (?<name>Off-channel communication \(copy \d+\)))?\.$");
        Assert.True(copied.Success, await admin.Locator("#message").InnerTextAsync());
        var copyName = copied.Groups["name"].Success ? copied.Groups["name"].Value : "Off-channel communication";
        var copy = admin.Locator($"#lexicons tr[data-lexicon-name='{copyName}']");
        Assert.Equal(builtInCount, (await copy.Locator("[data-field=termCount]").InnerTextAsync()).Trim());
        Assert.Contains("whatsapp", await copy.Locator("[data-field=terms] ul.terms li").AllInnerTextsAsync());
        var copyId = await copy.GetAttributeAsync("data-lexicon-id");

        // A policy missing its lexicons and with a bad address is refused, each error by its field.
        var policyName = $"Trading desk {Guid.NewGuid():N}"[..28];
        await admin.FillAsync("input[name='CreatePolicy.Name']", policyName);
        await admin.FillAsync("textarea[name='CreatePolicy.People']", "ana@contoso.com\nnot an address");
        await admin.ClickAsync("#create-policy button[type=submit]");
        Assert.Contains("Choose at least one lexicon.", await admin.Locator("[data-valmsg-for='CreatePolicy.LexiconIds']").InnerTextAsync());
        Assert.Contains("Line 2: 'not an address' is not an email address.", await admin.Locator("[data-valmsg-for='CreatePolicy.People']").InnerTextAsync());
        Assert.Equal(0, await admin.Locator($"#supervision-policies tr[data-policy-name='{policyName}']").CountAsync());

        // Put right: two lexicons, Slack only, two people (trimmed and lower-cased, once each), a quarter sampled.
        var ana = $"ana-{Guid.NewGuid():N}"[..16] + "@contoso.com";
        await admin.CheckAsync($"#policy-lexicons input[value='{lexiconId}']");
        await admin.CheckAsync($"#policy-lexicons input[value='{copyId}']");
        await admin.CheckAsync("#policy-source-types input[value='Slack']");
        await admin.FillAsync("textarea[name='CreatePolicy.People']", $"  {ana.ToUpperInvariant()} \n\nben.supervised@contoso.com\n{ana}");
        await admin.FillAsync("input[name='CreatePolicy.SamplingPercent']", "25");
        await admin.ClickAsync("#create-policy button[type=submit]");
        await admin.Locator("#message").WaitForAsync();
        Assert.Equal($"Created supervision policy {policyName}.", (await admin.Locator("#message").InnerTextAsync()).Trim());
        var policy = admin.Locator($"#supervision-policies tr[data-policy-name='{policyName}']");
        Assert.Equal(new[] { lexiconName, copyName }.Order(),
            (await policy.Locator("[data-field=lexicons] li").AllInnerTextsAsync()).Select(t => t.Trim()).Order());
        Assert.Equal(["Slack"], (await policy.Locator("[data-field=sourceTypes] li").AllInnerTextsAsync()).Select(t => t.Trim()));
        Assert.Equal([ana, "ben.supervised@contoso.com"], (await policy.Locator("[data-field=people] li").AllInnerTextsAsync()).Select(t => t.Trim()));
        Assert.Equal("25", await policy.Locator("[data-field=sampling]").GetAttributeAsync("data-value"));
        Assert.Equal("25% of matching items", (await policy.Locator("[data-field=sampling]").InnerTextAsync()).Trim());
        Assert.Equal("Enabled", (await policy.Locator("[data-field=enabled]").InnerTextAsync()).Trim());
        var policyId = await policy.GetAttributeAsync("data-policy-id");

        // Evaluate now queues a run for the worker; disabling shows in the list.
        await policy.Locator("button[data-action=evaluate]").ClickAsync();
        await admin.Locator("#message").WaitForAsync();
        Assert.Matches($"^Evaluation \\d+ of {policyName} is ", (await admin.Locator("#message").InnerTextAsync()).Trim());
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM policy_evaluations WHERE policy_id = @id AND requested_by = 'admin'",
            ("id", Guid.Parse(policyId!))));
        await admin.Locator($"#supervision-policies tr[data-policy-id='{policyId}'] button[data-action=disable]").ClickAsync();
        await admin.Locator("#message").WaitForAsync();
        Assert.Equal("Disabled", (await admin.Locator($"#supervision-policies tr[data-policy-id='{policyId}'] [data-field=enabled]").InnerTextAsync()).Trim());

        // Every change is in the audit log under the user's name: the lexicon created then edited, the copy, the policy created then disabled.
        await admin.GotoAsync("/governance/audit?filter=lexicon.changed");
        Assert.Equal(2, await admin.Locator($"#audit-records tr[data-target-id='{lexiconId}'] [data-field=actor]:text-is('admin')").CountAsync());
        Assert.Contains("copiedFrom", await admin.Locator($"#audit-records tr[data-target-id='{copyId}'] [data-field=details]").InnerTextAsync());
        await admin.GotoAsync("/governance/audit?filter=supervision-policy.changed");
        var records = admin.Locator($"#audit-records tr[data-target-id='{policyId}'] [data-field=details]");
        Assert.Equal(2, await records.CountAsync());
        Assert.Contains("\"disabled\"", await records.First.InnerTextAsync()); // newest first
        Assert.Contains("\"created\"", await records.Last.InnerTextAsync());
    }

    [Fact]
    public async Task AComplianceReviewerReadsSupervisionPoliciesButCannotChangeThemAndAViewerCannotOpenThem()
    {
        var lexiconId = Guid.NewGuid();
        var lexiconName = $"Seeded lexicon {lexiconId:N}"[..30];
        await ExecuteAsync("INSERT INTO lexicons (id, name, terms, created_at, created_by, updated_at) VALUES (@id, @name, @terms, now(), 'admin', now())",
            ("id", lexiconId), ("name", lexiconName), ("terms", new[] { "guarant*", "sure thing" }));
        var policyId = Guid.NewGuid();
        var policyName = $"Seeded policy {policyId:N}"[..30];
        await ExecuteAsync("""
            INSERT INTO supervision_policies (id, name, enabled, lexicon_ids, source_types, people, sampling_percent, created_at, created_by, updated_at)
            VALUES (@id, @name, false, @lexicons, '{}', '{}', 10, now(), 'admin', now())
            """, ("id", policyId), ("name", policyName), ("lexicons", new[] { lexiconId }));
        await using var browser = await Browser.LaunchAsync();
        var admin = await SignInAsync(browser, "admin", stack.AdminPassword);
        var reviewer = await SignInAsync(browser, await CreateUserAsync(admin, "ComplianceReviewer"), Password);
        var viewer = await SignInAsync(browser, await CreateUserAsync(admin, "ComplianceViewer"), Password);

        await AssertAccessAsync(viewer, "/governance/supervision", false);

        // The reviewer reads what feeds the queue...
        await AssertAccessAsync(reviewer, "/governance/supervision", true);
        var policy = reviewer.Locator($"#supervision-policies tr[data-policy-id='{policyId}']");
        Assert.Equal(lexiconName, (await policy.Locator("[data-field=lexicons] li").InnerTextAsync()).Trim());
        Assert.Equal("Every source type", (await policy.Locator("[data-field=sourceTypes]").InnerTextAsync()).Trim());
        Assert.Equal("Everyone", (await policy.Locator("[data-field=people]").InnerTextAsync()).Trim());
        Assert.Equal("10", await policy.Locator("[data-field=sampling]").GetAttributeAsync("data-value"));
        Assert.Equal(["guarant*", "sure thing"],
            (await reviewer.Locator($"#lexicons tr[data-lexicon-id='{lexiconId}'] ul.terms li").AllInnerTextsAsync()).Select(t => t.Trim()));
        Assert.True(await reviewer.Locator("#built-in-lexicons tr[data-built-in-name]").CountAsync() >= 3);

        // ...but is offered no way to change it.
        Assert.Equal(0, await reviewer.Locator("#create-policy, #create-lexicon, details.edit-terms, main form button[data-action]").CountAsync());

        // A hand-made POST is refused, and nothing is created, changed or queued.
        var token = await reviewer.Locator("#sign-out input[name=__RequestVerificationToken]").GetAttributeAsync("value");
        var url = $"{BaseUrl.TrimEnd('/')}/governance/supervision";
        var refusedName = $"Reviewer lexicon {Guid.NewGuid():N}"[..30];
        (string Handler, Dictionary<string, string> Fields)[] posts =
        [
            ("CreateLexicon", new() { ["CreateLexicon.Name"] = refusedName, ["CreateLexicon.Terms"] = "guarantee" }),
            ("CreatePolicy", new() { ["CreatePolicy.Name"] = refusedName, ["CreatePolicy.LexiconIds"] = lexiconId.ToString(), ["CreatePolicy.SamplingPercent"] = "100" }),
            ("CopyBuiltIn", new() { ["name"] = "Off-channel communication" }),
            ($"EditLexicon&id={lexiconId}", new() { ["terms"] = "replaced" }),
            ($"Enable&id={policyId}", new()),
            ($"Evaluate&id={policyId}", new()),
        ];
        foreach (var (handler, fields) in posts)
        {
            var form = reviewer.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!);
            foreach (var (field, value) in fields)
            {
                form = form.Set(field, value);
            }
            var response = await reviewer.APIRequest.PostAsync($"{url}?handler={handler}", new APIRequestContextOptions { Form = form, MaxRedirects = 0 });
            Assert.True(response.Status == (int)HttpStatusCode.Forbidden || response.Headers.GetValueOrDefault("location", "").Contains("access-denied"),
                $"{handler}: expected a refusal, got {response.Status}");
        }
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM lexicons WHERE name = @name", ("name", refusedName)));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM supervision_policies WHERE name = @name", ("name", refusedName)));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM lexicons WHERE created_by NOT IN ('admin')"));
        Assert.Equal("guarant*|sure thing", await ScalarAsync<string>("SELECT array_to_string(terms, '|') FROM lexicons WHERE id = @id", ("id", lexiconId)));
        Assert.False(await ScalarAsync<bool>("SELECT enabled FROM supervision_policies WHERE id = @id", ("id", policyId)));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM policy_evaluations WHERE policy_id = @id", ("id", policyId)));
    }

    [Fact]
    public async Task ARetentionPolicyNeedsAPeriodAndIsThenListedAndAudited()
    {
        // Scoped to a connector that has no items, so the worker's sweeper has nothing of the other tests' to delete.
        var (connectorId, connectorName) = await CreateConnectorAsync();
        await using var browser = await Browser.LaunchAsync();
        var admin = await SignInAsync(browser, "admin", stack.AdminPassword);
        await admin.GotoAsync("/governance/retention");

        var name = $"Keep {Guid.NewGuid():N}"[..20];
        await admin.FillAsync("input[name='Create.Name']", name);
        await admin.SelectOptionAsync("select[name='Create.Scope']", "Connector");
        await admin.SelectOptionAsync("select[name='Create.ConnectorId']", connectorId.ToString());
        await admin.FillAsync("input[name='Create.Years']", "0");
        await admin.FillAsync("input[name='Create.Days']", "0");
        await admin.SelectOptionAsync("select[name='Create.Action']", "Delete");
        await admin.ClickAsync("#create-policy button[type=submit]");
        Assert.Contains("The retention period must be at least one day.", await admin.Locator("[data-valmsg-for='Create.Years']").InnerTextAsync());
        Assert.Equal(0, await admin.Locator($"#retention-policies tr[data-policy-name='{name}']").CountAsync());
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM retention_policies WHERE name = @name", ("name", name)));
        Assert.Equal(connectorId.ToString(), await admin.InputValueAsync("select[name='Create.ConnectorId']")); // the choices are kept

        await admin.FillAsync("input[name='Create.Days']", "36500");
        await admin.ClickAsync("#create-policy button[type=submit]");
        await admin.Locator("#message").WaitForAsync();
        Assert.Equal($"Created retention policy {name}.", (await admin.Locator("#message").InnerTextAsync()).Trim());
        var row = admin.Locator($"#retention-policies tr[data-policy-name='{name}']");
        Assert.Equal("Connector", await row.Locator("[data-field=scope]").GetAttributeAsync("data-value"));
        Assert.Contains(connectorName, await row.Locator("[data-field=scope]").InnerTextAsync());
        Assert.Equal("36500", await row.Locator("[data-field=period]").GetAttributeAsync("data-value"));
        Assert.Equal("36500 days", (await row.Locator("[data-field=period]").InnerTextAsync()).Trim());
        Assert.Equal("Delete", await row.Locator("[data-field=action]").GetAttributeAsync("data-value"));
        Assert.Equal("Enabled", (await row.Locator("[data-field=enabled]").InnerTextAsync()).Trim());
        var policyId = await row.GetAttributeAsync("data-policy-id");

        await admin.GotoAsync("/governance/audit?filter=retention-policy.changed");
        var record = admin.Locator($"#audit-records tr[data-target-id='{policyId}']");
        Assert.Equal(1, await record.CountAsync());
        Assert.Equal("admin", (await record.Locator("[data-field=actor]").InnerTextAsync()).Trim());
        Assert.Matches("\"retainForDays\": ?36500", await record.Locator("[data-field=details]").InnerTextAsync());
    }

    [Fact]
    public async Task ADlpPolicyNeedsANameAndIsThenListedAndAudited()
    {
        await using var browser = await Browser.LaunchAsync();
        var admin = await SignInAsync(browser, "admin", stack.AdminPassword);
        await admin.GotoAsync("/governance/dlp");
        var policiesBefore = await ScalarAsync<long>("SELECT count(*) FROM dlp_policies");

        // Created disabled, so it flags nothing another test imports.
        await admin.CheckAsync("#info-types input[value='us-ssn']");
        await admin.CheckAsync("#info-types input[value='credit-card']");
        await admin.FillAsync("input[name='Create.MinimumCount']", "3");
        await admin.SelectOptionAsync("select[name='Create.MinimumConfidence']", "High");
        await admin.SelectOptionAsync("select[name='Create.Action']", "Alert");
        await admin.UncheckAsync("input[type=checkbox][name='Create.Enabled']");
        await admin.ClickAsync("#create-policy button[type=submit]");
        Assert.Contains("required", await admin.Locator("[data-valmsg-for='Create.Name']").InnerTextAsync());
        Assert.True(await admin.Locator("#info-types input[value='us-ssn']").IsCheckedAsync()); // what was chosen is kept
        Assert.Equal(policiesBefore, await ScalarAsync<long>("SELECT count(*) FROM dlp_policies"));

        var name = $"Card and SSN {Guid.NewGuid():N}"[..24];
        await admin.FillAsync("input[name='Create.Name']", name);
        await admin.ClickAsync("#create-policy button[type=submit]");
        await admin.Locator("#message").WaitForAsync();
        Assert.Equal($"Created DLP policy {name}.", (await admin.Locator("#message").InnerTextAsync()).Trim());
        var row = admin.Locator($"#dlp-policies tr[data-policy-name='{name}']");
        var types = new List<string>();
        foreach (var type in await row.Locator("[data-field=infoTypes] li").AllAsync())
        {
            types.Add((await type.GetAttributeAsync("data-value"))!);
        }
        Assert.Equal(["credit-card", "us-ssn"], types.Order());
        Assert.Equal("3", (await row.Locator("[data-field=minimumCount]").InnerTextAsync()).Trim());
        Assert.Equal("High", await row.Locator("[data-field=minimumConfidence]").GetAttributeAsync("data-value"));
        Assert.Equal("Alert", (await row.Locator("[data-field=action]").InnerTextAsync()).Trim());
        Assert.Equal("Disabled", (await row.Locator("[data-field=enabled]").InnerTextAsync()).Trim());
        var policyId = await row.GetAttributeAsync("data-policy-id");

        await admin.GotoAsync("/governance/audit?filter=dlp-policy.changed");
        var record = admin.Locator($"#audit-records tr[data-target-id='{policyId}']");
        Assert.Equal(1, await record.CountAsync());
        Assert.Equal("admin", (await record.Locator("[data-field=actor]").InnerTextAsync()).Trim());
    }

    private static Task AssertAccessAsync(IPage page, string path, bool allowed) => SitePages.AssertAccessAsync(page, path, allowed);

    private static Task<string> SignedInAsAsync(IPage page) => SitePages.SignedInAsAsync(page);

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

    private Task<IPage> SignInAsync(Browser browser, string userName, string password) => SitePages.SignInAsync(stack, browser, userName, password);

    /// <summary>Creates a user with <paramref name="role"/> on the Users page, as an administrator would.</summary>
    private static Task<string> CreateUserAsync(IPage admin, string role) => SitePages.CreateUserAsync(admin, role, Password);

    /// <summary>
    /// A Slack conversation of two messages, the second flagged by a supervision policy for <paramref name="term"/>
    /// (which must occur in <paramref name="body"/>). Returns the review item and the flagged archive item.
    /// </summary>
    private async Task<(long ReviewId, long ItemId)> SeedFlaggedItemAsync(string body, string term)
    {
        // Items belong to a connector's run: an HR connector runs once when created.
        var (connectorId, _) = await CreateConnectorAsync();
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

    /// <summary>An HR connector, created through the API; it holds no archive items until a test inserts some.</summary>
    private async Task<(Guid Id, string Name)> CreateConnectorAsync()
    {
        using var api = stack.App.CreateApiClient(stack.AdminApiKey);
        var name = $"Seed {Guid.NewGuid():N}"[..20];
        var created = await api.PostAsJsonAsync("/api/compliance/connectors", new { name, type = "HR" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (Guid.Parse((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!), name);
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

    private Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters) => new StackSql(stack).ExecuteAsync(sql, parameters);

    private Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters) => new StackSql(stack).ScalarAsync<T>(sql, parameters);
}
