namespace Descent.Tuning;

/// <summary>Element-wise equality of arrays (genomes), for eliminating duplicate individuals.</summary>
internal sealed class SequenceComparer<TItem> : IEqualityComparer<TItem[]> where TItem : IEquatable<TItem>
{
    /// <summary>The shared instance.</summary>
    public static readonly SequenceComparer<TItem> Instance = new();

    /// <inheritdoc/>
    public bool Equals(TItem[]? x, TItem[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

    /// <inheritdoc/>
    public int GetHashCode(TItem[] obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var h = new HashCode();
        foreach (var v in obj) h.Add(v);
        return h.ToHashCode();
    }
}
