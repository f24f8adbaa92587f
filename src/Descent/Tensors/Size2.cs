namespace Descent.Tensors;

/// <summary>
/// A (height, width) pair for the spatial arguments of 2-D ops (kernel size, stride, padding, dilation,
/// output size). Converts implicitly from one int (used for both, like PyTorch's <c>_pair</c>) or a tuple.
/// </summary>
/// <param name="H">Value along the height (rows).</param>
/// <param name="W">Value along the width (columns).</param>
public readonly record struct Size2(int H, int W)
{
    /// <summary>The same value for height and width.</summary>
    public static implicit operator Size2(int both) => new(both, both);

    /// <summary>(height, width) from a tuple.</summary>
    public static implicit operator Size2((int H, int W) pair) => new(pair.H, pair.W);

    /// <summary>PyTorch-like text: <c>(3, 3)</c>.</summary>
    public override string ToString() => $"({H}, {W})";
}
