namespace Descent.Experiments.Runs;

/// <summary>
/// The one rule for names that become folders under the runs directory (runs, studies): letters, digits, '-', '_'
/// and '.', not starting with '.' (no hidden folders, no "." or ".."), at most <see cref="MaxLength"/> characters
/// (docs/experiments.md). Every place that takes such a name (experiment <c>name:</c>, <c>--name</c>, a study's name)
/// checks it here, so a name with a space, a slash or a shell character is refused in one line before anything is written.
/// </summary>
public static class RunName
{
    /// <summary>Longest accepted name (file systems allow 255 bytes; suffixes like -2 and trial folders need room).</summary>
    public const int MaxLength = 100;

    /// <summary>What the rule allows, for messages.</summary>
    public const string Allowed = "letters, digits, '-', '_' and '.', not starting with '.'";

    /// <summary>Why <paramref name="name"/> cannot name a run or study folder, or null when it can.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "a run name cannot be empty";
        if (name.Length > MaxLength) return $"'{Shorten(name)}' is {name.Length} characters long; a run name has at most {MaxLength}";
        if (name[0] == '.') return $"'{name}' starts with '.'; a run name uses {Allowed}";
        foreach (char c in name)
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_' or '.') continue;
            string shown = char.IsWhiteSpace(c) || char.IsControl(c) ? $"U+{(int)c:X4}" : $"'{c}'";
            return $"'{name}' holds {shown}; a run name uses {Allowed}";
        }
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> "<paramref name="where"/>: …" when <paramref name="name"/> is not a valid name.</summary>
    public static string Check(string? name, string where)
    {
        if (Problem(name) is { } problem) throw new ArgumentException($"{where}: {problem}.");
        return name!;
    }

    private static string Shorten(string name) => name.Length <= 40 ? name : name[..37] + "…";
}
