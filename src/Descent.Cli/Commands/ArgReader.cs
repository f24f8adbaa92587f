using System.Globalization;

namespace Descent.Cli;

/// <summary>
/// A small hand parser for <c>--name value</c>, <c>--name=value</c> and flag options, used by the commands that take
/// raw arguments (<c>trace</c>, <c>bench optim</c>). Unknown options and missing or malformed values throw
/// <see cref="UserErrorException"/> naming the option.
/// </summary>
internal sealed class ArgReader
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="args"/>; <paramref name="valued"/> take a value, <paramref name="flags"/> do not.</summary>
    public ArgReader(string command, string[] args, IReadOnlyCollection<string> valued, IReadOnlyCollection<string> flags)
    {
        Command = command;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith('-'))
                throw new UserErrorException($"{command}: unexpected argument '{arg}' (options start with --).");
            string name = arg, value = "";
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) (name, value) = (arg[..eq], arg[(eq + 1)..]);
            if (name is "-h" or "--help")
            {
                _flags.Add("--help");
                continue;
            }
            if (flags.Contains(name))
            {
                if (eq > 0) throw new UserErrorException($"{command}: {name} takes no value.");
                _flags.Add(name);
                continue;
            }
            if (!valued.Contains(name))
            {
                var known = valued.Concat(flags).ToList();
                var hint = NearestName.Hint(name, known);
                throw new UserErrorException($"{command}: unknown option '{name}' ({(hint.Length > 0 ? hint : "options: " + string.Join(", ", known))}).");
            }
            if (eq < 0)
            {
                if (i + 1 >= args.Length)
                    throw new UserErrorException($"{command}: {name} needs a value.");
                value = args[++i];
            }
            if (!_values.TryGetValue(name, out var list)) _values[name] = list = [];
            list.Add(value);
        }
    }

    /// <summary>The command, for messages.</summary>
    public string Command { get; }

    /// <summary>True when the flag was given.</summary>
    public bool Flag(string name) => _flags.Contains(name);

    /// <summary>Every value of a repeatable option, comma-separated lists split.</summary>
    public List<string> All(string name) =>
        _values.TryGetValue(name, out var list)
            ? [.. list.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))]
            : [];

    /// <summary>Every value of a repeatable option as given (commas kept).</summary>
    public List<string> Values(string name) => _values.TryGetValue(name, out var list) ? [.. list] : [];

    /// <summary>The (last) value of an option, or null.</summary>
    public string? Text(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    /// <summary>A number option (accepts 1e6 notation), or null when absent.</summary>
    public double? Number(string name)
    {
        var text = Text(name);
        if (text is null) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new UserErrorException($"{Command}: {name} must be a number, got '{text}'.");
        return v;
    }

    /// <summary>A positive whole-number option (accepts 1e6 notation), or null when absent.</summary>
    public int? Count(string name, int min = 1)
    {
        double? v = Number(name);
        if (v is null) return null;
        if (v != Math.Floor(v.Value) || v < min || v > int.MaxValue)
            throw new UserErrorException($"{Command}: {name} must be a whole number ≥ {min}, got '{Text(name)}'.");
        return (int)v.Value;
    }

    /// <summary>A comma-separated list of numbers, or null when absent.</summary>
    public double[]? Numbers(string name)
    {
        var text = Text(name);
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                throw new UserErrorException($"{Command}: {name} must be comma-separated numbers, got '{text}'.");
        return values;
    }
}
