namespace Descent.Cli;

/// <summary>
/// The known name closest to a mistyped one, for "did you mean …?" hints: a known name that the typed one is a prefix
/// of (<c>--epoch</c> → <c>--epochs</c>), else the one at the smallest (Levenshtein) edit distance when it is small compared
/// with the name's length (at most 2, or a third of a long name), else none.
/// </summary>
public static class NearestName
{
    /// <summary>The closest of <paramref name="known"/> to <paramref name="typed"/>, or null when none is close.</summary>
    public static string? Find(string typed, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(known);
        var names = known.Distinct(StringComparer.Ordinal).ToList();
        var prefixed = names.Where(k => k.Length > typed.Length && k.StartsWith(typed, StringComparison.OrdinalIgnoreCase) && typed.Trim('-').Length >= 2)
            .OrderBy(k => k.Length).FirstOrDefault();
        if (prefixed is not null) return prefixed;
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var k in names)
        {
            int d = Quickenshtein.Levenshtein.GetDistance(typed.ToLowerInvariant(), k.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (k, d);
        }
        int length = typed.Trim('-').Length;
        return best is not null && bestDistance < length && bestDistance <= Math.Max(2, length / 3) ? best : null;
    }

    /// <summary>"did you mean X?" for the closest name, or "" when none is close.</summary>
    public static string Hint(string typed, IEnumerable<string> known) =>
        Find(typed, known) is { } near ? $"did you mean {near}?" : "";
}
