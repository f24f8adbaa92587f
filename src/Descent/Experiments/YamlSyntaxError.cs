using YamlDotNet.Core;
using YamlDotNet.Core.Tokens;

namespace Descent.Experiments;

/// <summary>
/// Words a YAML syntax error as <c>file:line:column: sentence</c> where YamlDotNet gives no usable place: an unclosed
/// <c>[</c> or <c>{</c> (its scanner fails with a bare <see cref="InvalidOperationException"/>) is reported where the
/// bracket opened, and tab indentation (reported at 1:1, or at the line before) at the first line indented with a tab.
/// </summary>
internal static class YamlSyntaxError
{
    // A scanner that keeps failing repeats its error token; the scan of a broken file stops after this many tokens.
    private const int MaxTokens = 1_000_000;

    /// <summary>The message for <paramref name="error"/> (a <see cref="YamlException"/> or the scanner's <see cref="InvalidOperationException"/>) raised by <paramref name="yaml"/>.</summary>
    public static string Describe(string yaml, string file, Exception error)
    {
        if (FirstTabIndentedLine(yaml) is int tabLine && (error.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) || error is not YamlException))
            return $"{file}:{tabLine}:1: invalid YAML: line {tabLine} is indented with a tab; YAML indents with spaces only.";
        if (UnclosedFlow(yaml) is { } open)
        {
            var (what, close) = open.Token is FlowSequenceStart ? ("list", ']') : ("mapping", '}');
            return $"{file}:{open.Token.Start.Line}:{open.Token.Start.Column}: invalid YAML: the {what} opened here with " +
                   $"'{(close == ']' ? '[' : '{')}' is never closed (a '{close}' is missing).";
        }
        if (error is YamlException y)
            return $"{file}:{y.Start.Line}:{y.Start.Column}: invalid YAML: {y.InnerException?.Message ?? y.Message}";
        return $"{file}: invalid YAML: unterminated list, mapping or quoted value.";
    }

    private static int? FirstTabIndentedLine(string yaml)
    {
        var lines = yaml.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var indent = lines[i][..(lines[i].Length - lines[i].TrimStart(' ', '\t').Length)];
            if (indent.Contains('\t', StringComparison.Ordinal) && lines[i].Trim().Length > 0 && !lines[i].TrimStart().StartsWith('#'))
                return i + 1;
        }
        return null;
    }

    // The innermost '[' or '{' still open where the scanner gives up (null when the brackets balance).
    private static (Token Token, int Depth)? UnclosedFlow(string yaml)
    {
        var open = new Stack<Token>();
        var scanner = new Scanner(new StringReader(yaml));
        try
        {
            for (int n = 0; n < MaxTokens && scanner.MoveNext(); n++)
            {
                switch (scanner.Current)
                {
                    case FlowSequenceStart or FlowMappingStart:
                        open.Push(scanner.Current);
                        break;
                    case FlowSequenceEnd or FlowMappingEnd when open.Count > 0:
                        open.Pop();
                        break;
                    case Error:
                        return open.Count > 0 ? (open.Peek(), open.Count) : null;
                }
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // Where the scan stops is the answer.
        }
        return open.Count > 0 ? (open.Peek(), open.Count) : null;
    }
}
