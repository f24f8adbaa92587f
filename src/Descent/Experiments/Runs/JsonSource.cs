using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Descent.Experiments.Runs;

/// <summary>
/// A parsed JSON file that can point at the line of any value, so a run-file reader's errors say
/// <c>summary.json line 7: "epochs" must be an integer, got "ten"</c> rather than only a key path.
/// </summary>
internal sealed class JsonSource : IDisposable
{
    private readonly byte[] _bytes;
    private readonly JsonDocument _doc;

    private JsonSource(string fileName, byte[] bytes, JsonDocument doc)
    {
        FileName = fileName;
        _bytes = bytes;
        _doc = doc;
    }

    /// <summary>The file name used in messages.</summary>
    public string FileName { get; }

    /// <summary>The root value.</summary>
    public JsonElement Root => _doc.RootElement;

    /// <summary>Parses <paramref name="path"/> (comments and trailing commas tolerated).</summary>
    /// <exception cref="InvalidDataException">Not valid JSON: names the file and line.</exception>
    public static JsonSource Load(string path)
    {
        string name = Path.GetFileName(path);
        var bytes = File.ReadAllBytes(path);
        try
        {
            var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return new JsonSource(name, bytes, doc);
        }
        catch (JsonException e)
        {
            // JsonException's message ends with "LineNumber: n | BytePositionInLine: m."; keep only the reason.
            string reason = e.Message;
            int cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0) reason = reason[..cut];
            throw new InvalidDataException($"{name} line {(e.LineNumber ?? 0) + 1}: invalid JSON: {reason.TrimEnd('.', ' ')}");
        }
    }

    /// <summary>An error about the value at <paramref name="path"/> (property names and array indices), with its line.</summary>
    public InvalidDataException Error(IReadOnlyList<object> path, string message)
    {
        int? line = LineOf(path);
        string where = line is int l ? $"{FileName} line {l}" : FileName;
        return new InvalidDataException($"{where}: {PathText(path)} {message}");
    }

    /// <summary>The JSON path as text, e.g. <c>"model_summary"[2]."parameters"</c>.</summary>
    public static string PathText(IReadOnlyList<object> path)
    {
        var sb = new StringBuilder();
        foreach (var seg in path)
        {
            if (seg is int i) sb.Append(CultureInfo.InvariantCulture, $"[{i}]");
            else sb.Append(sb.Length > 0 ? "." : "").Append('"').Append(seg).Append('"');
        }
        return sb.Length > 0 ? sb.ToString() : "the document";
    }

    /// <summary>1-based line of the value at <paramref name="path"/>, or null when it is absent.</summary>
    public int? LineOf(IReadOnlyList<object> path)
    {
        var reader = new Utf8JsonReader(_bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var current = new List<object>();
        // One frame per open container: whether it is an array, the next index, and whether it added a segment.
        var frames = new Stack<(bool IsArray, int Next, bool HasSegment)>();
        string? property = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    property = reader.GetString();
                    continue;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    if (frames.Pop().HasSegment) current.RemoveAt(current.Count - 1);
                    continue;
            }
            object? seg = null;
            if (frames.Count > 0)
            {
                var top = frames.Pop();
                if (top.IsArray) seg = top.Next;
                else seg = property;
                frames.Push(top with { Next = top.Next + 1 });
            }
            if (seg is not null) current.Add(seg);
            if (Same(current, path)) return 1 + CountNewlines((int)reader.TokenStartIndex);
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                frames.Push((reader.TokenType == JsonTokenType.StartArray, 0, seg is not null));
            else if (seg is not null)
                current.RemoveAt(current.Count - 1);
        }
        return null;
    }

    private int CountNewlines(int end)
    {
        int n = 0;
        for (int i = 0; i < end && i < _bytes.Length; i++)
            if (_bytes[i] == (byte)'\n') n++;
        return n;
    }

    private static bool Same(List<object> a, IReadOnlyList<object> b)
    {
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++)
            if (!Equals(a[i], b[i])) return false;
        return true;
    }

    /// <inheritdoc />
    public void Dispose() => _doc.Dispose();
}
