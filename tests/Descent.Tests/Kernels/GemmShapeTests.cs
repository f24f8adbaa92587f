using System.Numerics;
using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// Half of all (m, n, k) from a set of awkward sizes 1..67 (tile edges, vector edges, KC/MC edges), for each
/// element type and SIMD level. Each triple gets one combination of transpose flags, alpha/beta, stride
/// padding and thread count, chosen so every combination is hit many times across the sweep.
/// </summary>
[Trait("Category", "Kernels")]
[Collection(GemmSerialCollection.Name)]
public class GemmShapeTests
{
    private static readonly int[] Sizes = [1, 2, 3, 5, 7, 8, 15, 16, 17, 31, 33, 47, 63, 64, 65, 67];

    // (alpha, beta): beta 0 runs with a NaN-filled C, which must not leak into the result.
    private static readonly (double Alpha, double Beta)[] Scalars = [(1, 0), (1, 1), (0.75, 0.5), (-1.5, 0)];

    [SimdTheory(SimdLevel.Vector512)]
    [InlineData(false)]
    [InlineData(true)]
    public void Vector512(bool f64) => Sweep(SimdLevel.Vector512, f64);

    [SimdTheory(SimdLevel.Vector256)]
    [InlineData(false)]
    [InlineData(true)]
    public void Vector256(bool f64) => Sweep(SimdLevel.Vector256, f64);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Scalar(bool f64) => Sweep(SimdLevel.Scalar, f64);

    private static void Sweep(SimdLevel level, bool f64)
    {
        if (f64)
            Sweep<double>(level);
        else
            Sweep<float>(level);
    }

    private static void Sweep<T>(SimdLevel level) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int index = 0;
        for (int im = 0; im < Sizes.Length; im++)
            for (int jn = 0; jn < Sizes.Length; jn++)
                for (int pk = 0; pk < Sizes.Length; pk++)
                {
                    // Half of the triples, chosen so every (m, n), (m, k) and (n, k) pair still occurs 8 times.
                    if ((im + jn + pk) % 2 != 0)
                        continue;
                    int m = Sizes[im], n = Sizes[jn], k = Sizes[pk];
                    int h = index++;
                    // Cycle each option at a different period so all pairs of options co-occur.
                    bool transA = (h & 1) != 0, transB = (h & 2) != 0;
                    var (alpha, beta) = Scalars[h / 4 % Scalars.Length];
                    int pad = h / 3 % 3 == 0 ? 3 : 0;
                    int threads = h / 5 % 2 + 1;
                    var gc = new GemmCase<T>(h, transA, transB, m, n, k, alpha, beta, pad);
                    T[] c;
                    // Threshold 0: two threads really split even these small products.
                    using (new GemmSettings(level, threads, minParallelFlops: 0))
                        c = gc.Run();
                    gc.Verify(c, $"{level} threads={threads}");
                }
    }
}
