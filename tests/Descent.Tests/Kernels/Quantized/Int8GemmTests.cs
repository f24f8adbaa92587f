using Descent.Kernels;
using Descent.Kernels.Quantized;

namespace Descent.Tests.Kernels.Quantized;

/// <summary>
/// The int8 GEMM against a plain triple loop of the integer definition Σ (q_x − z_x)(q_w − z_w): exact equality on
/// every SIMD path, for awkward sizes (tile, panel and odd-k edges), extreme operands (all ±255 offsets, the largest
/// exact k), strided A and C (padding must stay untouched), one and two threads, and the float epilogue.
/// </summary>
[Trait("Category", "Kernels")]
[Collection(GemmSerialCollection.Name)]
public class Int8GemmTests
{
    private static readonly int[] Sizes = [1, 2, 3, 5, 6, 7, 13, 16, 17, 31, 33, 63, 64, 65, 97];

    public static TheoryData<SimdLevel> Levels()
    {
        var data = new TheoryData<SimdLevel>();
        foreach (var level in KernelTestSupport.Levels()) data.Add(level);
        return data;
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void MatchesTheIntegerDefinitionForAwkwardShapes(SimdLevel level)
    {
        using var _ = KernelConfig.Force(level);
        int h = 0;
        foreach (int m in Sizes)
            foreach (int n in Sizes)
                foreach (int k in Sizes)
                {
                    if ((m + n + k + h++) % 3 != 0) continue;
                    var c = new Case(h, m, n, k, pad: h % 2 == 0 ? 0 : 3, affineWeights: h % 4 == 1);
                    using var threads = ParallelFor.OverrideThreads(h % 5 == 0 ? 2 : 1);
                    c.Verify(c.RunInt32(), $"{level} m={m} n={n} k={k}");
                }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void ExtremeOperandsAccumulateExactly(SimdLevel level)
    {
        using var _ = KernelConfig.Force(level);
        // Every product is ±255·255 and k is the largest exact length: the sums reach ±(2^31 − 1)-ish without wrapping.
        int k = Int8PackedMatrix.MaxK, m = 2, n = 3;
        var w = new sbyte[n * k];
        var zp = new[] { -127, 127, 0 };
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++)
                w[j * k + p] = (sbyte)(j switch { 0 => 127, 1 => -128, _ => p % 2 == 0 ? 127 : -128 });
        var a = new short[m * k];
        for (int p = 0; p < k; p++) { a[p] = 255; a[k + p] = -255; }
        var packed = Int8PackedMatrix.Pack(w, n, k, zp);
        var c = new int[m * n];
        Int8Gemm.MultiplyToInt32(m, a, k, packed, c, n);
        long alt = 0;
        for (int p = 0; p < k; p++) alt += p % 2 == 0 ? 127 : -128;
        Assert.Equal(new long[] { 255L * 254 * k, 255L * -255 * k, 255 * alt, -255L * 254 * k, 255L * 255 * k, -255 * alt },
            c.Select(v => (long)v).ToArray());
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void FloatOutputAppliesScalesBiasAndRelu(SimdLevel level)
    {
        using var _ = KernelConfig.Force(level);
        foreach (bool relu in new[] { false, true })
        {
            var c = new Case(7, 37, 45, 29, pad: 2, affineWeights: false);
            var acc = c.Reference();
            var rng = new Random(3);
            float aScale = 0.0173f;
            var wScale = Enumerable.Range(0, c.N).Select(_ => (float)(0.001 + 0.01 * rng.NextDouble())).ToArray();
            var bias = Enumerable.Range(0, c.N).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
            int ldc = c.N + 2;
            var output = Enumerable.Repeat(float.NaN, c.M * ldc).ToArray();
            Int8Gemm.MultiplyToFloat(c.M, c.A, c.Lda, c.Packed, aScale, wScale, bias, relu, output, ldc);
            for (int i = 0; i < c.M; i++)
            {
                for (int j = 0; j < c.N; j++)
                {
                    float expected = acc[i * c.N + j] * aScale * wScale[j] + bias[j];
                    if (relu) expected = MathF.Max(expected, 0);
                    Assert.Equal(expected, output[i * ldc + j]);
                }
                Assert.True(float.IsNaN(output[i * ldc + c.N]) && float.IsNaN(output[i * ldc + c.N + 1]), $"{level}: padding of row {i} written");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Uint8ActivationsGiveTheSameIntegersOnTheU8AndTheInt16Kernels(SimdLevel level)
    {
        using var _ = KernelConfig.Force(level);
        int h = 0, u8Cases = 0, int16Cases = 0;
        foreach (int m in new[] { 1, 5, 6, 13, 40 })
            foreach (int n in new[] { 1, 16, 17, 70 })
                foreach (int k in new[] { 1, 2, 3, 4, 5, 7, 64, 130 })
                {
                    h++;
                    // 7-bit activations take the u8×s8 kernel (symmetric weights); full-range ones or affine weights the int16 one.
                    int max = h % 3 == 0 ? 255 : 127;
                    var c = new Case(h, m, n, k, pad: h % 2, affineWeights: h % 5 == 0);
                    var rng = new Random(h);
                    int zp = rng.Next(0, max + 1);
                    var u8 = new byte[m * c.Lda];
                    for (int i = 0; i < u8.Length; i++) u8[i] = i % c.Lda < k ? (byte)rng.Next(0, max + 1) : (byte)255;
                    for (int i = 0; i < c.A.Length; i++) c.A[i] = i % c.Lda < k ? (short)(u8[i] - zp) : short.MaxValue;
                    // The u8 kernel's condition, computed here from the data: offsets fit int8 and no pair sum can saturate int16.
                    bool fits = true;
                    int maxPair = 0;
                    for (int j = 0; j < n; j++)
                        for (int p = 0; p < k; p++)
                        {
                            int v = c.W[j * k + p] - c.ZeroPoints[j];
                            fits &= v is >= -128 and <= 127;
                            int partner = p % 2 == 0 ? (p + 1 < k ? c.W[j * k + p + 1] - c.ZeroPoints[j] : 0) : c.W[j * k + p - 1] - c.ZeroPoints[j];
                            maxPair = Math.Max(maxPair, Math.Abs(v) + Math.Abs(partner));
                        }
                    bool exact = fits && max * maxPair <= short.MaxValue;
                    Assert.Equal(exact, c.Packed.U8KernelIsExact(max));
                    if (exact) u8Cases++;
                    else int16Cases++;
                    var acc = c.Reference();
                    var ones = Enumerable.Repeat(1f, n).ToArray();
                    var output = new float[m * n];
                    Int8Gemm.MultiplyToFloat(m, u8, c.Lda, zp, max, c.Packed, 1f, ones, [], false, output, n);
                    for (int i = 0; i < acc.Length; i++)
                        Assert.True(output[i] == (float)acc[i], $"{level} m={m} n={n} k={k} max={max}: C[{i}] = {output[i]}, expected {acc[i]}");
                }
        Assert.True(u8Cases > 50 && int16Cases > 50, $"both kernels exercised: {u8Cases} u8, {int16Cases} int16 cases");
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        long saved = Int8Gemm.MinParallelWork;
        try
        {
            Int8Gemm.MinParallelWork = 0;
            foreach (var (m, n) in new[] { (256, 256), (3, 200), (50, 10) })
            {
                var c = new Case(m + n, m, n, 77, pad: 1, affineWeights: true);
                using var one = ParallelFor.OverrideThreads(1);
                var single = c.RunInt32();
                using var two = ParallelFor.OverrideThreads(2);
                Assert.Equal(single, c.RunInt32());
                c.Verify(single, $"threads m={m} n={n}");
            }
        }
        finally
        {
            Int8Gemm.MinParallelWork = saved;
        }
    }

    [Fact]
    public void BadArgumentsAreRejectedWithTheirSizes()
    {
        var packed = Int8PackedMatrix.Pack(new sbyte[6], 2, 3);
        Assert.Contains("lda must be at least k = 3", Assert.Throws<ArgumentOutOfRangeException>(() => Int8Gemm.MultiplyToInt32(1, new short[3], 2, packed, new int[2], 2)).Message);
        Assert.Contains("A has 3 values", Assert.Throws<ArgumentException>(() => Int8Gemm.MultiplyToInt32(2, new short[3], 3, packed, new int[4], 2)).Message);
        Assert.Contains("C has 3 values", Assert.Throws<ArgumentException>(() => Int8Gemm.MultiplyToInt32(2, new short[6], 3, packed, new int[3], 2)).Message);
        Assert.Contains("expected 2×2", Assert.Throws<ArgumentException>(() => Int8PackedMatrix.Pack(new sbyte[6], 2, 2)).Message);
        Assert.Contains("overflow", Assert.Throws<ArgumentOutOfRangeException>(() => Int8PackedMatrix.Pack([], 0, Int8PackedMatrix.MaxK + 1)).Message);
        Assert.Contains("3 weight scales for 2", Assert.Throws<ArgumentException>(() => Int8Gemm.MultiplyToFloat(1, new short[3], 3, packed, 1, new float[3], [], false, new float[2], 2)).Message);
    }

    /// <summary>Random offsets in the full ±255 range, weights with optional zero points, NaN-free padding sentinels.</summary>
    private sealed class Case
    {
        public readonly int M, N, K, Lda, Ldc;
        public readonly short[] A;   // mutable so a test can load its own offsets
        public readonly sbyte[] W;
        public readonly int[] ZeroPoints;
        public readonly Int8PackedMatrix Packed;

        public Case(int seed, int m, int n, int k, int pad, bool affineWeights)
        {
            var rng = new Random(seed);
            (M, N, K, Lda, Ldc) = (m, n, k, k + pad, n + pad);
            A = new short[m * Lda];
            for (int i = 0; i < A.Length; i++)
                A[i] = i % Lda < k ? (short)rng.Next(-255, 256) : short.MaxValue;   // padding would show up as huge sums
            W = new sbyte[n * k];
            for (int i = 0; i < W.Length; i++) W[i] = (sbyte)rng.Next(-128, 128);
            ZeroPoints = affineWeights ? Enumerable.Range(0, n).Select(_ => rng.Next(-128, 128)).ToArray() : new int[n];
            Packed = Int8PackedMatrix.Pack(W, n, k, ZeroPoints);
        }

        public int[] RunInt32()
        {
            var c = Enumerable.Repeat(int.MinValue, M * Ldc).ToArray();
            Int8Gemm.MultiplyToInt32(M, A, Lda, Packed, c, Ldc);
            return c;
        }

        public long[] Reference()
        {
            var r = new long[M * N];
            for (int i = 0; i < M; i++)
                for (int j = 0; j < N; j++)
                {
                    long s = 0;
                    for (int p = 0; p < K; p++) s += (long)A[i * Lda + p] * (W[j * K + p] - ZeroPoints[j]);
                    r[i * N + j] = s;
                }
            return r;
        }

        public void Verify(int[] c, string label)
        {
            var r = Reference();
            for (int i = 0; i < M; i++)
            {
                for (int j = 0; j < N; j++)
                    if (c[i * Ldc + j] != r[i * N + j])
                        Assert.Fail($"{label}: C[{i},{j}] = {c[i * Ldc + j]}, expected {r[i * N + j]}");
                for (int j = N; j < Ldc; j++)
                    Assert.True(c[i * Ldc + j] == int.MinValue, $"{label}: padding C[{i},{j}] was written");
            }
        }
    }
}
