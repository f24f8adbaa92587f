namespace Descent.Compression.Pruning.Structured;

/// <summary>
/// Global structured pruning: the channels of all groups ranked together, each group's scores first divided by their
/// mean so that layers of different scale compare (Torch-Pruning's "mean" normalizer), and the lowest removed until
/// <c>amount</c> of all channels are gone. No group loses more than <c>maxRatio</c> of its channels or all of them, and
/// kept counts are rounded up to a multiple of <c>roundTo</c>.
/// </summary>
public static class GlobalChannelSelection
{
    /// <summary>
    /// The kept channels (ascending) of each group, given one score array per group (<paramref name="scores"/>[i] has
    /// the group's channel count). <paramref name="amount"/> is the fraction of all channels to remove.
    /// </summary>
    public static int[][] Keep(IReadOnlyList<IReadOnlyList<double>> scores, double amount, double maxRatio = 1.0, int roundTo = 1)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (amount is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(amount), amount, "global pruning: amount must be in [0, 1].");
        if (maxRatio is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(maxRatio), maxRatio, "global pruning: the per-layer maximum ratio must be in [0, 1].");
        int total = scores.Sum(s => s.Count);
        int target = (int)Math.Round(amount * total, MidpointRounding.ToEven);
        var candidates = new List<(double Score, int Group, int Channel)>(total);
        for (int g = 0; g < scores.Count; g++)
        {
            double mean = scores[g].Count == 0 ? 0 : scores[g].Average();
            for (int j = 0; j < scores[g].Count; j++)
            {
                if (double.IsNaN(scores[g][j])) throw new ArgumentException($"global pruning: importance {j} of group {g} is NaN.", nameof(scores));
                candidates.Add((mean > 0 ? scores[g][j] / mean : scores[g][j], g, j));
            }
        }
        var removed = new int[scores.Count];
        int done = 0;
        foreach (var (_, g, _) in candidates.OrderBy(c => c.Score).ThenBy(c => c.Group).ThenBy(c => c.Channel))
        {
            if (done == target) break;
            int channels = scores[g].Count;
            int limit = Math.Min(channels - 1, (int)Math.Floor(maxRatio * channels + 1e-9));
            if (removed[g] >= limit) continue;
            removed[g]++;
            done++;
        }
        var kept = new int[scores.Count][];
        for (int g = 0; g < scores.Count; g++)
        {
            int count = ChannelSelection.RoundUp(scores[g].Count - removed[g], roundTo, scores[g].Count);
            kept[g] = ChannelSelection.Largest(scores[g], count);
        }
        return kept;
    }
}
