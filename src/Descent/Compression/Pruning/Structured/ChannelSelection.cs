namespace Descent.Compression.Pruning.Structured;

/// <summary>
/// Chooses which channels to keep from importance scores: the highest-scored ones, returned in ascending index order.
/// Ties are broken towards removing the lower index (as <see cref="MagnitudePruning"/> does), and a request that would
/// remove every channel of a layer is refused.
/// </summary>
public static class ChannelSelection
{
    /// <summary>
    /// Keeps all but <paramref name="amount"/> of the channels (a count, or a fraction rounded half to even as PyTorch's
    /// <c>ln_structured</c>), removing the lowest scores. With <paramref name="roundTo"/> &gt; 1 the kept count is rounded up
    /// to a multiple of it (never above the channel count), e.g. 8 for SIMD-friendly widths.
    /// </summary>
    /// <exception cref="ArgumentException">The request would keep no channel.</exception>
    public static int[] Keep(IReadOnlyList<double> scores, PruneAmount amount, int roundTo = 1, string layer = "layer")
    {
        ArgumentNullException.ThrowIfNull(scores);
        int removed = amount.UnitsOf(scores.Count);
        int kept = RoundUp(scores.Count - removed, roundTo, scores.Count);
        if (kept == 0)
            throw new ArgumentException($"pruning {amount} of the {scores.Count} channels of {layer} would remove them all; keep at least one.", nameof(amount));
        return Largest(scores, kept);
    }

    /// <summary>The <paramref name="count"/> highest-scored channels, ascending (lower indices lose ties).</summary>
    public static int[] Largest(IReadOnlyList<double> scores, int count)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (count < 0 || count > scores.Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"cannot keep {count} of {scores.Count} channels.");
        for (int j = 0; j < scores.Count; j++)
            if (double.IsNaN(scores[j])) throw new ArgumentException($"channel importance {j} is NaN, so the channels cannot be ranked.", nameof(scores));
        // Ascending by score, stable: the first (scores.Count − count) are removed, so equal scores remove lower indices first.
        return [.. Enumerable.Range(0, scores.Count).OrderBy(j => scores[j]).Skip(scores.Count - count).Order()];
    }

    /// <summary><paramref name="kept"/> rounded up to a multiple of <paramref name="roundTo"/>, at most <paramref name="channels"/>.</summary>
    public static int RoundUp(int kept, int roundTo, int channels)
    {
        if (roundTo < 1) throw new ArgumentOutOfRangeException(nameof(roundTo), roundTo, "round_to must be at least 1.");
        if (kept <= 0) return 0;
        return Math.Min(channels, (kept + roundTo - 1) / roundTo * roundTo);
    }
}
