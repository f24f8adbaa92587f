using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Descent.Cli;

/// <summary>
/// Turns what the command-line parser found wrong into one line that says it in the user's terms: an unknown option is
/// named as an option (System.CommandLine hands an unknown <c>--x</c> to an optional argument, so
/// <c>train --frobnicate</c> would look for an experiment file of that name) with the nearest known one suggested, an
/// unknown command likewise, and a value that is not a number says what was expected instead of a .NET type name.
/// </summary>
public static class ParseProblems
{
    /// <summary>
    /// The message for the first problem of <paramref name="parse"/> that this class words itself (without the
    /// <c>descent: </c> prefix), or null when there is none and the parser's own handling (help, missing arguments) applies.
    /// </summary>
    public static string? Describe(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var command = parse.CommandResult;
        string path = CommandPath(command);
        // Commands whose options are parsed by hand (trace, bench optim) get every token and word their own errors.
        if (!command.Command.TreatUnmatchedTokensAsErrors) return null;
        var afterDoubleDash = TokensAfterDoubleDash(parse);
        var options = KnownOptions(command.Command);

        foreach (var token in ConsumedValues(command).Concat(parse.UnmatchedTokens))
        {
            if (afterDoubleDash.Contains(token) || !LooksLikeOption(token)) continue;
            string name = token.Split('=', 2)[0];
            return $"{path}: unknown option '{name}'" + Hint(name, options, path);
        }
        if (parse.UnmatchedTokens.Count > 0)
        {
            string token = parse.UnmatchedTokens[0];
            if (command.Command.Subcommands.Count > 0)
            {
                var names = command.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
                return $"{path}: unknown command '{token}'" + Hint(token, names, path, $"commands: {string.Join(", ", names)}");
            }
            return $"{path}: unexpected argument '{token}' (see {path} --help)";
        }
        foreach (var child in command.Children)
        {
            var (symbol, type, tokens) = child switch
            {
                OptionResult o => ((Symbol)o.Option, o.Option.ValueType, o.Tokens),
                ArgumentResult a => (a.Argument, a.Argument.ValueType, a.Tokens),
                _ => (null!, typeof(void), (IReadOnlyList<Token>)[]),
            };
            if (symbol is null || Expected(type) is not { } expected) continue;
            foreach (var t in tokens)
                if (!Parses(t.Value, type))
                    return $"{path}: {Name(symbol)} expects {expected}, got '{t.Value}'";
        }
        return null;
    }

    private static string Hint(string typed, IReadOnlyList<string> known, string path, string? fallback = null)
    {
        var hint = NearestName.Hint(typed, known);
        if (hint.Length > 0) return $" ({hint})";
        return fallback is null ? $" (see {path} --help)" : $" ({fallback})";
    }

    // "descent bench gemm" for the command that was resolved.
    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? r = command; r is not null; r = r.Parent)
            if (r is CommandResult c) names.Add(c.Parent is null ? "descent" : c.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    private static List<string> KnownOptions(Command command) =>
        command.Options.Concat(command.Parents.OfType<Command>().SelectMany(p => p.Options).Where(o => o.Recursive))
            .Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)).ToList();

    // Values the parser gave to the command's arguments and options, in order.
    private static IEnumerable<string> ConsumedValues(CommandResult command) =>
        command.Children.SelectMany(c => c switch
        {
            ArgumentResult a => a.Tokens,
            OptionResult o => o.Tokens,
            _ => [],
        }).Select(t => t.Value);

    private static HashSet<string> TokensAfterDoubleDash(ParseResult parse)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        bool after = false;
        foreach (var t in parse.Tokens)
        {
            if (after) set.Add(t.Value);
            else if (t.Type == TokenType.DoubleDash) after = true;
        }
        return set;
    }

    // "--x" or "-x" (a letter), but not "-" (standard input) nor a negative number.
    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' && (token[1] == '-' ? token.Length > 2 : char.IsLetter(token[1]))
        && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string Name(Symbol symbol) => symbol is Argument a ? $"<{a.Name}>" : symbol.Name;

    private static string? Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(double) || type == typeof(float)) return "a number";
        return null;
    }

    private static bool Parses(string text, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int)) return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        if (type == typeof(long)) return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }
}
