using System.IO.Compression;
using System.Text;
using Connectors.Archive;
using Connectors.Sources.Files;

namespace Connectors.Tests;

/// <summary>Corpus paths, ZIP building and result helpers for the Slack tests.</summary>
internal static class SlackTestSupport
{
    private static readonly Lazy<string> CorpusRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Connectors.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpus"));
            }
        }
        throw new InvalidOperationException("Connectors.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>A file of the shared corpus (read in place, never copied).</summary>
    public static string Corpus(params string[] parts) => Path.Combine([CorpusRoot.Value, .. parts]);

    public static string TestArchive => Corpus("hfaran-slack-export-viewer", "testarchive.zip");

    public static string Zulip(params string[] parts) => Corpus(["zulip-slack-fixtures", .. parts]);

    public static FileParseContext Context(string fileName = "export.zip", Guid? evidence = null) =>
        new("T-slack-team", fileName, evidence ?? Guid.NewGuid());

    public static List<SourceItem> SlackItems(this IEnumerable<ParsedEntry> entries) =>
        entries.OfType<ParsedItem>().Select(i => i.Item).ToList();

    public static List<ParseFailure> SlackFailures(this IEnumerable<ParsedEntry> entries) => entries.OfType<ParseFailure>().ToList();

    /// <summary>A ZIP in memory from (entry name, UTF-8 text) pairs, in the order given.</summary>
    public static MemoryStream Zip(params (string Name, string Text)[] entries) =>
        Zip(entries.Select(e => (e.Name, Encoding.UTF8.GetBytes(e.Text))).ToArray());

    public static MemoryStream Zip(params (string Name, byte[] Bytes)[] entries)
    {
        var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var stream = archive.CreateEntry(name, CompressionLevel.Optimal).Open();
                stream.Write(bytes);
            }
        }
        buffer.Position = 0;
        return buffer;
    }

    /// <summary>Builds a ZIP with custom writers for entries too big to hold as arrays.</summary>
    public static MemoryStream Zip(Action<ZipArchive> build)
    {
        var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            build(archive);
        }
        buffer.Position = 0;
        return buffer;
    }

    public static string Message(string ts, string user, string text, string extra = "") =>
        $$"""{"type":"message","user":"{{user}}","text":"{{text}}","ts":"{{ts}}"{{extra}}}""";

    public const string Users = """
        [
          {"id":"U1","name":"ann","real_name":"Ann Archer","tz":"Europe/London","profile":{"real_name":"Ann Archer","email":"ann@contoso.com"}},
          {"id":"U2","name":"bob","profile":{"real_name":"","display_name":"Bobby"}},
          {"id":"U3","name":"cy","real_name":"Cy Clone","profile":{"real_name":"Cy Clone"}}
        ]
        """;

    public const string Channels = """[{"id":"C1","name":"general","members":["U1","U2","U3"]}]""";
}

/// <summary>A read-only stream that cannot seek (an SFTP download, say).</summary>
internal sealed class NonSeekableStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
