using System.Text;
using System.Text.RegularExpressions;

namespace Descent.Tests.Architecture;

/// <summary>
/// C# source read as text for the architecture tests: comments and string/char literals blanked out (line numbers
/// kept), the top-level types a file declares, and the names a file uses as types. A heuristic, not a compiler: a name is
/// a type reference unless it is a member access (<c>x.Name</c>), a method call (<c>Name(</c> without <c>new</c>) or a
/// declared name (<c>Tensor Name</c>); names inside interpolated-string holes are not seen.
/// </summary>
internal static partial class SourceCode
{
    [GeneratedRegex(@"^(?:\[[^\]]*\]\s*)*(?:(?:public|internal|private|protected|file|static|sealed|abstract|partial|readonly|ref|unsafe|new)\s+)*(?:class|struct|interface|enum|record(?:\s+struct|\s+class)?|delegate\s+[\w<>\[\]?,. ]+?)\s+([A-Za-z_]\w*)", RegexOptions.Multiline)]
    private static partial Regex TopLevelDeclaration();

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileScopedNamespace();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex PascalName();

    // Words after which a name is a type (new Foo, is Foo, public Foo x, …), not a declared name.
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "new", "is", "as", "return", "in", "out", "ref", "readonly", "static", "public", "private", "internal", "protected",
        "sealed", "abstract", "partial", "override", "virtual", "const", "await", "throw", "case", "where", "params", "this",
        "using", "class", "struct", "interface", "record", "enum", "yield", "else", "operator", "implicit", "explicit", "extern",
        "unsafe", "volatile", "fixed", "scoped", "required", "file", "async", "not", "and", "or", "when", "from", "select",
        "let", "orderby", "group", "by", "into", "on", "equals", "event", "delegate", "stackalloc", "sizeof", "typeof", "default",
        "goto", "do", "checked", "unchecked", "lock", "with", "var", "dynamic", "global",
    };

    /// <summary>The folder holding Descent.slnx.</summary>
    public static string RepositoryRoot() => Path.GetDirectoryName(Path.GetDirectoryName(LayeringTests.SourceRoot()))!;

    /// <summary>The .cs files under <paramref name="folder"/>, without bin/ and obj/.</summary>
    public static IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            .Order(StringComparer.Ordinal);

    /// <summary>The file-scoped namespace of <paramref name="source"/>, or null.</summary>
    public static string? Namespace(string source) => FileScopedNamespace().Match(source) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The types declared at the top level of <paramref name="code"/> (unindented declarations; file-scoped namespaces).</summary>
    public static IEnumerable<string> DeclaredTypes(string code) =>
        TopLevelDeclaration().Matches(code).Select(m => m.Groups[1].Value).Distinct();

    /// <summary>Names used as types in <paramref name="code"/> (already stripped), with their 1-based line.</summary>
    public static IEnumerable<(string Name, int Line)> TypeReferences(string code)
    {
        int line = 1, at = 0;
        foreach (Match m in PascalName().Matches(code))
        {
            for (; at < m.Index; at++) if (code[at] == '\n') line++;
            if (IsTypeUse(code, m.Index, m.Length)) yield return (m.Value, line);
        }
    }

    private static bool IsTypeUse(string code, int start, int length)
    {
        int before = start - 1;
        while (before >= 0 && code[before] is ' ' or '\t') before--;
        int after = start + length;
        while (after < code.Length && code[after] is ' ' or '\t') after++;
        string previous = PreviousWord(code, before);
        // x.Name is a member, unless the chain is a namespace (Descent.Tuning.Study).
        if (before >= 0 && code[before] == '.')
            return QualifierStartsWithDescent(code, before);
        // Name( is a call, new Name( a construction.
        if (after < code.Length && code[after] == '(' && previous != "new") return false;
        // Type Name: Name is being declared (a tuple element, a parameter, a property).
        if (previous.Length > 0 && !Keywords.Contains(previous) && (char.IsLetterOrDigit(code[before]) || code[before] is '>' or ']' or '?' or '_'))
            return false;
        return true;
    }

    private static string PreviousWord(string code, int end)
    {
        if (end < 0 || !(char.IsLetterOrDigit(code[end]) || code[end] == '_')) return end >= 0 && code[end] is '>' or ']' or '?' ? "?" : "";
        int start = end;
        while (start > 0 && (char.IsLetterOrDigit(code[start - 1]) || code[start - 1] == '_')) start--;
        return code[start..(end + 1)];
    }

    private static bool QualifierStartsWithDescent(string code, int dot)
    {
        int i = dot;
        while (i >= 0 && (char.IsLetterOrDigit(code[i]) || code[i] is '.' or '_')) i--;
        return code[(i + 1)..dot].StartsWith("Descent", StringComparison.Ordinal);
    }

    /// <summary>
    /// <paramref name="source"/> with comments and string and character literals replaced by spaces (newlines kept), so
    /// names in messages and documentation are not taken for references.
    /// </summary>
    public static string StripCommentsAndStrings(string source)
    {
        var sb = new StringBuilder(source);
        int i = 0, n = source.Length;
        while (i < n)
        {
            char c = source[i];
            if (c == '/' && i + 1 < n && source[i + 1] == '/')
                i = Blank(sb, i, source.IndexOf('\n', i) is var e and >= 0 ? e : n);
            else if (c == '/' && i + 1 < n && source[i + 1] == '*')
                i = Blank(sb, i, source.IndexOf("*/", i + 2, StringComparison.Ordinal) is var e and >= 0 ? e + 2 : n);
            else if (c == '\'')
                i = Blank(sb, i, EndOfQuoted(source, i + 1, '\'', escapes: true));
            else if (c is '"' or '$' or '@' && StringStart(source, i) is var (open, quotes, verbatim) && quotes > 0)
            {
                int end = quotes >= 3
                    ? (source.IndexOf(new string('"', quotes), open + quotes, StringComparison.Ordinal) is var r and >= 0 ? r + quotes : n)
                    : verbatim ? EndOfVerbatim(source, open + 1) : EndOfQuoted(source, open + 1, '"', escapes: true);
                i = Blank(sb, i, end);
            }
            else i++;
        }
        return sb.ToString();
    }

    // A string literal starting at i: position of its first quote, the number of quotes (3+ for a raw string) and
    // whether it is verbatim (@"…"); quotes = 0 when i starts no string.
    private static (int Open, int Quotes, bool Verbatim) StringStart(string s, int i)
    {
        int j = i;
        bool verbatim = false;
        while (j < s.Length && s[j] is '$' or '@')
        {
            verbatim |= s[j] == '@';
            j++;
        }
        if (j >= s.Length || s[j] != '"') return (j, 0, false);
        int quotes = 0;
        while (j + quotes < s.Length && s[j + quotes] == '"') quotes++;
        return quotes == 2 ? (j, 1, verbatim) : (j, quotes, verbatim);   // "" is an empty string
    }

    private static int EndOfQuoted(string s, int from, char quote, bool escapes)
    {
        for (int j = from; j < s.Length; j++)
        {
            if (escapes && s[j] == '\\') { j++; continue; }
            if (s[j] == quote || s[j] == '\n') return j + 1;
        }
        return s.Length;
    }

    private static int EndOfVerbatim(string s, int from)
    {
        for (int j = from; j < s.Length; j++)
        {
            if (s[j] != '"') continue;
            if (j + 1 < s.Length && s[j + 1] == '"') { j++; continue; }
            return j + 1;
        }
        return s.Length;
    }

    private static int Blank(StringBuilder sb, int from, int to)
    {
        for (int k = from; k < to && k < sb.Length; k++)
            if (sb[k] != '\n') sb[k] = ' ';
        return Math.Max(to, from + 1);
    }
}
