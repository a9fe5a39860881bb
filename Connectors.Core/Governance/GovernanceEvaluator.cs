using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Connectors.Alerts;
using Connectors.Archive;
using Connectors.Data;
using Connectors.Governance.Dlp;
using Connectors.Governance.Supervision;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Governance;

/// <summary>The text of one archived item as the policies read it, with the people it concerns.</summary>
public sealed record ItemText(long ItemId, string ItemKey, Guid ConnectorId, string SourceType, string? Subject, string? Body,
    IReadOnlyList<(string Name, string Text)> Attachments, IReadOnlyCollection<string> ParticipantEmails);

/// <summary>What evaluating a set of items produced (not yet saved).</summary>
public sealed record EvaluationResult(List<DlpMatch> DlpMatches, List<ReviewItem> ReviewItems)
{
    public int ItemsMatched => DlpMatches.Select(m => m.ItemId).Concat(ReviewItems.Select(r => r.ItemId)).Distinct().Count();
}

/// <summary>
/// Evaluates DLP and supervision policies over item text: during import (every new item and version, in the
/// batch's transaction) and on demand over what is already archived. Built once from the enabled policies.
/// </summary>
public sealed partial class GovernanceEvaluator
{
    /// <summary>Attachments larger than this are not read for text (their match would be recorded as unscanned).</summary>
    public const long MaxAttachmentTextBytes = 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly List<(DlpPolicy Policy, List<SensitiveInfoType> Types)> _dlp;
    private readonly List<(SupervisionPolicy Policy, LexiconMatcher Matcher)> _supervision;

    private GovernanceEvaluator(List<(DlpPolicy, List<SensitiveInfoType>)> dlp, List<(SupervisionPolicy, LexiconMatcher)> supervision) =>
        (_dlp, _supervision) = (dlp, supervision);

    public bool IsEmpty => _dlp.Count == 0 && _supervision.Count == 0;

    public IEnumerable<DlpPolicy> DlpPolicies => _dlp.Select(d => d.Policy);

    /// <summary>
    /// The enabled policies (or just <paramref name="onlyPolicy"/>), limited to those that can cover items of
    /// <paramref name="connectorId"/> / <paramref name="sourceType"/> when given.
    /// </summary>
    public static async Task<GovernanceEvaluator> LoadAsync(ConnectorsDbContext db, Guid? connectorId, string? sourceType, Guid? onlyPolicy,
        CancellationToken cancellationToken)
    {
        var dlpPolicies = await db.DlpPolicies.AsNoTracking().Where(p => onlyPolicy == null ? p.Enabled : p.Id == onlyPolicy).ToListAsync(cancellationToken);
        var supervisionPolicies = await db.SupervisionPolicies.AsNoTracking().Where(p => onlyPolicy == null ? p.Enabled : p.Id == onlyPolicy)
            .ToListAsync(cancellationToken);
        if (connectorId is { } connector && sourceType is not null)
        {
            dlpPolicies = dlpPolicies.Where(p => p.Covers(connector, sourceType)).ToList();
            supervisionPolicies = supervisionPolicies.Where(p => p.SourceTypes.Count == 0
                || p.SourceTypes.Contains(sourceType, StringComparer.OrdinalIgnoreCase)).ToList();
        }
        var dlp = new List<(DlpPolicy, List<SensitiveInfoType>)>();
        if (dlpPolicies.Count > 0)
        {
            var custom = await db.DlpCustomTypes.AsNoTracking().ToListAsync(cancellationToken);
            foreach (var policy in dlpPolicies)
            {
                var types = policy.InfoTypes.Select(id => BuiltInSensitiveInfoTypes.Find(id) ?? CustomType(custom, id)).OfType<SensitiveInfoType>().ToList();
                if (types.Count > 0)
                {
                    dlp.Add((policy, types));
                }
            }
        }
        var supervision = new List<(SupervisionPolicy, LexiconMatcher)>();
        if (supervisionPolicies.Count > 0)
        {
            var lexicons = await db.Lexicons.AsNoTracking().ToListAsync(cancellationToken);
            foreach (var policy in supervisionPolicies)
            {
                var chosen = lexicons.Where(l => policy.LexiconIds.Contains(l.Id))
                    .Select(l => new Lexicon(l.Name, l.Terms.Select(t => LexiconTerm.TryParse(t, out var term, out _) ? term : null).OfType<LexiconTerm>().ToList()))
                    .ToList();
                if (chosen.Count > 0)
                {
                    supervision.Add((policy, new LexiconMatcher(chosen)));
                }
            }
        }
        return new GovernanceEvaluator(dlp, supervision);
    }

    private static SensitiveInfoType? CustomType(List<DlpCustomType> custom, string id)
    {
        var type = custom.FirstOrDefault(c => string.Equals(c.TypeId, id, StringComparison.OrdinalIgnoreCase));
        return type is null ? null : SensitiveInfoType.Custom(type.Name, type.Pattern, type.Keywords);
    }

    /// <summary>Runs every policy over the items; the caller saves the result in its transaction.</summary>
    public EvaluationResult Evaluate(IEnumerable<ItemText> items, long? runId, DateTimeOffset now)
    {
        var result = new EvaluationResult([], []);
        foreach (var item in items)
        {
            var sections = Sections(item);
            foreach (var (policy, types) in _dlp)
            {
                if (!policy.Covers(item.ConnectorId, item.SourceType))
                {
                    continue;
                }
                foreach (var finding in DlpScanner.Scan(sections, types).Where(f => f.Meets(policy.MinimumCount, policy.MinimumConfidence)))
                {
                    result.DlpMatches.Add(new DlpMatch
                    {
                        ItemId = item.ItemId, PolicyId = policy.Id, InfoType = finding.TypeId, Count = finding.CountAtOrAbove(policy.MinimumConfidence),
                        Confidence = finding.Confidence, ConnectorId = item.ConnectorId, RunId = runId, DetectedAt = now,
                        Locations = JsonSerializer.Serialize(finding.Locations.Where(l => l.Confidence >= policy.MinimumConfidence)
                            .Select(l => new { l.Location, l.Offset, l.Length, l.MaskedValue, l.Confidence }), Json),
                    });
                }
            }
            foreach (var (policy, matcher) in _supervision)
            {
                if (!policy.Scope.Covers(item.SourceType, item.ParticipantEmails) || !Sampling.Includes(policy.Id, item.ItemKey, policy.SamplingPercent))
                {
                    continue;
                }
                var hits = sections.SelectMany(s => matcher.Match(s.Text).Select(h => new StoredHit(s.Location, h.Lexicon, h.Term, h.Offset, h.Length))).ToList();
                if (hits.Count > 0)
                {
                    result.ReviewItems.Add(new ReviewItem
                    {
                        PolicyId = policy.Id, ItemId = item.ItemId, Hits = JsonSerializer.Serialize(hits, ReviewItemViews.HitJson),
                        State = ReviewState.Pending, FlaggedAt = now, UpdatedAt = now, RunId = runId,
                    });
                }
            }
        }
        return result;
    }

    /// <summary>Subject, body (text, or the HTML's text) and each readable attachment: the places matches are located in.</summary>
    public static List<DlpSection> Sections(ItemText item)
    {
        var sections = new List<DlpSection>();
        if (!string.IsNullOrEmpty(item.Subject))
        {
            sections.Add(new DlpSection("subject", item.Subject));
        }
        if (!string.IsNullOrEmpty(item.Body))
        {
            sections.Add(new DlpSection("body", item.Body));
        }
        sections.AddRange(item.Attachments.Where(a => a.Text.Length > 0).Select(a => new DlpSection($"attachment:{a.Name}", a.Text)));
        return sections;
    }

    /// <summary>The body text, or the text of the HTML body when the source gave only HTML.</summary>
    public static string? BodyOf(string? text, string? html) =>
        !string.IsNullOrEmpty(text) ? text : string.IsNullOrEmpty(html) ? null : WebUtility.HtmlDecode(Tags().Replace(html, " "));

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    /// <summary>Attachment content types whose bytes are text the policies can read.</summary>
    public static bool IsTextual(ItemAttachment attachment) =>
        attachment.Size <= MaxAttachmentTextBytes
        && (attachment.ContentType?.StartsWith("text/", StringComparison.OrdinalIgnoreCase) == true
            || attachment.ContentType is "application/json" or "application/xml" or "application/csv"
            || Path.GetExtension(attachment.Name).ToLowerInvariant() is ".txt" or ".csv" or ".json" or ".xml" or ".html" or ".htm" or ".md" or ".log");

    /// <summary>The text of readable attachments that are stored, by SHA-256 (read in the caller's transaction).</summary>
    public static async Task<Dictionary<string, string>> AttachmentTextsAsync(ConnectorsDbContext db, IEnumerable<ItemAttachment> attachments,
        CancellationToken cancellationToken)
    {
        var wanted = attachments.Where(IsTextual).Select(a => a.Sha256.ToLowerInvariant()).Distinct().ToList();
        if (wanted.Count == 0)
        {
            return [];
        }
        var blobs = await db.Blobs.AsNoTracking().Where(b => wanted.Contains(b.Sha256)).Select(b => new { b.Sha256, b.Content }).ToListAsync(cancellationToken);
        return blobs.ToDictionary(b => b.Sha256, b => HtmlAware(Encoding.UTF8.GetString(b.Content)));
    }

    private static string HtmlAware(string text) => text.Contains('<') && text.Contains("</", StringComparison.Ordinal) ? BodyOf(null, text) ?? "" : text;

    /// <summary>Saves the result; alert-action DLP policies raise one alert per connector naming masked samples.</summary>
    public async Task SaveAsync(ConnectorsDbContext db, EvaluationResult result, Guid connectorId, string connectorName, string connectorType,
        long? runId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        db.DlpMatches.AddRange(result.DlpMatches);
        db.ReviewItems.AddRange(result.ReviewItems);
        var alerting = _dlp.Where(d => d.Policy.Action == DlpAction.Alert).Select(d => d.Policy).ToDictionary(p => p.Id);
        foreach (var group in result.DlpMatches.Where(m => alerting.ContainsKey(m.PolicyId)).GroupBy(m => m.PolicyId))
        {
            var policy = alerting[group.Key];
            var sample = group.Take(5).Select(m => $"{m.InfoType} ×{m.Count} in item {m.ItemId} ({FirstMasked(m.Locations)})");
            await AlertRaiser.RaiseAsync(db, new AlertRaiser.Subject(connectorId, connectorName, connectorType), AlertKind.DlpPolicyMatch,
                AlertSeverity.Warning, $"DLP policy {policy.Name}: {group.Select(m => m.ItemId).Distinct().Count()} item(s) matched: {string.Join("; ", sample)}.",
                runId, now, cancellationToken);
        }
    }

    private static string FirstMasked(string locationsJson)
    {
        using var document = JsonDocument.Parse(locationsJson);
        return document.RootElement.EnumerateArray().Select(l => l.GetProperty("maskedValue").GetString()).FirstOrDefault() ?? "";
    }
}
