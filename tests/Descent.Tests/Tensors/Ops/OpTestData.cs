using Descent.Tensors;

namespace Descent.Tests.Tensors.Ops;

/// <summary>Seeded random tensors for op tests.</summary>
internal static class OpTestData
{
    /// <summary>Uniform values in [-1, 1) of the given shape and dtype.</summary>
    public static Tensor Rand(int[] shape, DType dtype = DType.Float64, long seed = 1)
    {
        var g = new Generator(seed);
        var t = Tensor.Zeros(new Shape(shape), dtype);
        for (int i = 0; i < t.Numel; i++) t.SetDouble(i, g.NextDouble() * 2 - 1);
        return t;
    }

    /// <summary>A float64 leaf that requires grad (for GradCheck).</summary>
    public static Tensor Leaf(int[] shape, long seed = 1) => Rand(shape, DType.Float64, seed).RequiresGradInPlace();

    /// <summary>An int64 tensor from values.</summary>
    public static Tensor Index(long[] values, params int[] shape) =>
        Tensor.FromArray(values, shape.Length == 0 ? [values.Length] : shape);
}
