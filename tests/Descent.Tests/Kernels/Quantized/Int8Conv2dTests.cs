using Descent.Kernels;
using Descent.Kernels.Quantized;

namespace Descent.Tests.Kernels.Quantized;

/// <summary>
/// The NHWC int8 convolution (padded input, receptive fields packed on the fly into the u8×s8 GEMM, the static layers'
/// epilogue) against a direct loop of the definition: the exact integer Σ (q_x − z_x)(q_w − z_w) with zero-point padding,
/// then ((acc · x_scale) · w_scale + bias + skip), ReLU and requantization — identical bytes and floats on every SIMD
/// path, for strides, dilations, asymmetric padding, channel counts off the vector widths, partial panels, 7- and 8-bit
/// activations (the u8 and the int16 kernel), and two threads.
/// </summary>
[Trait("Category", "Kernels")]
[Collection(GemmSerialCollection.Name)]
public class Int8Conv2dTests
{
    public static TheoryData<SimdLevel> Levels()
    {
        var data = new TheoryData<SimdLevel>();
        foreach (var level in KernelTestSupport.Levels()) data.Add(level);
        return data;
    }

    // images, channels, height, width, out, kh, kw, sh, sw, dh, dw, top, left, bottom, right
    private static readonly int[][] Geometries =
    [
        [2, 1, 28, 28, 6, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2],
        [1, 6, 14, 14, 16, 5, 5, 1, 1, 1, 1, 0, 0, 0, 0],
        [3, 3, 9, 7, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1],
        [2, 32, 8, 8, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1],
        [1, 16, 7, 9, 32, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0],
        [2, 5, 9, 9, 70, 3, 2, 2, 3, 2, 2, 2, 1, 3, 0],
        [1, 20, 6, 6, 8, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1],
    ];

    [Theory]
    [MemberData(nameof(Levels))]
    public void OutputsMatchTheDefinition(SimdLevel level)
    {
        using var _ = KernelConfig.Force(level);
        long saved = Int8Gemm.MinParallelWork;
        try
        {
            for (int t = 0; t < Geometries.Length * 4; t++)
            {
                var c = new ConvCase(Geometries[t % Geometries.Length], seed: t, quantMax: t % 4 == 3 ? 255 : 127, relu: t % 2 == 1, skip: t % 3 == 0);
                Int8Gemm.MinParallelWork = t % 5 == 0 ? 1 : saved;
                using var threads = ParallelFor.OverrideThreads(t % 5 == 0 ? 2 : 1);
                c.Verify($"{level} case {t}");
            }
        }
        finally
        {
            Int8Gemm.MinParallelWork = saved;
        }
    }

    [Fact]
    public void EightBitActivationsWithLargeWeightsTakeTheExactInt16Kernel()
    {
        var c = new ConvCase(Geometries[2], seed: 99, quantMax: 255, relu: false, skip: false, extremeWeights: true);
        Assert.False(c.Packed.U8KernelIsExact(255));
        foreach (var level in KernelTestSupport.Levels())
        {
            using var _ = KernelConfig.Force(level);
            c.Verify($"{level} extreme");
        }
    }

    private sealed class ConvCase
    {
        private readonly int _images, _c, _h, _w, _n, _outH, _outW, _zp, _quantMax, _outZp;
        private readonly Int8ConvGeometry _g;
        private readonly byte[] _x;
        private readonly sbyte[] _weights;
        private readonly float[] _wScale, _bias, _skip;
        private readonly int[] _correction;
        private readonly float _aScale, _outScale;
        private readonly bool _relu, _hasSkip;

        public ConvCase(int[] d, int seed, int quantMax, bool relu, bool skip, bool extremeWeights = false)
        {
            var rng = new Random(seed);
            (_images, _c, _h, _w, _n) = (d[0], d[1], d[2], d[3], d[4]);
            _g = new Int8ConvGeometry(d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14]);
            (_outH, _outW) = (_g.OutputHeight(_h), _g.OutputWidth(_w));
            _quantMax = quantMax;
            _zp = rng.Next(0, quantMax + 1);
            _x = new byte[_images * _h * _w * _c];
            for (int i = 0; i < _x.Length; i++) _x[i] = (byte)rng.Next(0, quantMax + 1);
            int k = _g.KernelH * _g.KernelW * _c;
            _weights = new sbyte[_n * k];
            for (int i = 0; i < _weights.Length; i++) _weights[i] = extremeWeights ? (sbyte)(i % 2 == 0 ? 127 : -128) : (sbyte)rng.Next(-128, 128);
            Packed = Int8PackedMatrix.Pack(_weights, _n, k);
            int padded = Int8PackedMatrix.PaddedColumns(_n);
            _wScale = new float[padded];
            _bias = new float[padded];
            _correction = new int[padded];
            for (int j = 0; j < _n; j++)
            {
                _wScale[j] = (float)(0.001 + 0.01 * rng.NextDouble());
                _bias[j] = (float)(rng.NextDouble() - 0.5);
                _correction[j] = _zp * Packed.ColumnSums[j];
            }
            _aScale = (float)(0.005 + 0.02 * rng.NextDouble());
            _outScale = (float)(0.01 + 0.05 * rng.NextDouble());
            _outZp = rng.Next(0, 128);
            _relu = relu;
            _hasSkip = skip;
            _skip = new float[_images * _outH * _outW * _n];
            for (int i = 0; i < _skip.Length; i++) _skip[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        public Int8PackedMatrix Packed { get; }

        private int Rows => _images * _outH * _outW;

        /// <summary>The float value of output (row p, channel j) by the definition, in the kernel's operation order.</summary>
        private float Expected(int p, int j)
        {
            int image = p / (_outH * _outW), oh = p / _outW % _outH, ow = p % _outW;
            long acc = 0;
            for (int i = 0; i < _g.KernelH; i++)
                for (int l = 0; l < _g.KernelW; l++)
                {
                    int ih = oh * _g.StrideH - _g.PadTop + i * _g.DilationH, iw = ow * _g.StrideW - _g.PadLeft + l * _g.DilationW;
                    for (int ch = 0; ch < _c; ch++)
                    {
                        int q = (uint)ih < (uint)_h && (uint)iw < (uint)_w ? _x[((image * _h + ih) * _w + iw) * _c + ch] : _zp;
                        acc += (long)(q - _zp) * _weights[j * _g.KernelH * _g.KernelW * _c + (i * _g.KernelW + l) * _c + ch];
                    }
                }
            float y = (float)acc * _aScale * _wScale[j] + _bias[j];
            if (_hasSkip) y += _skip[p * _n + j];
            return _relu ? MathF.Max(y, 0) : y;
        }

        private byte Requantized(float y)
        {
            float r = Math.Clamp(MathF.Round(y * (1f / _outScale), MidpointRounding.ToEven), -_outZp, _quantMax - _outZp);
            return (byte)((int)r + _outZp);
        }

        public void Verify(string what)
        {
            var padded = new byte[Int8Conv2d.PaddedLength(_images, _h, _w, _c, _g)];
            Int8Conv2d.Pad(_x, _images, _h, _w, _c, _g, (byte)_zp, padded);
            var bytes = new byte[Rows * _n];
            var rows = new float[Rows * _n];
            var planes = new float[Rows * _n];
            ReadOnlySpan<float> skip = _hasSkip ? _skip : default;
            Int8Conv2d.Run(padded, _images, _h, _w, _c, _g, Packed, _quantMax, _correction, _aScale, _wScale, _bias, _relu, skip,
                Int8OutputKind.UInt8Rows, bytes, default, _outScale, _outZp, _quantMax);
            Int8Conv2d.Run(padded, _images, _h, _w, _c, _g, Packed, _quantMax, _correction, _aScale, _wScale, _bias, _relu, skip,
                Int8OutputKind.FloatRows, default, rows, 0, 0, 0);
            Int8Conv2d.Run(padded, _images, _h, _w, _c, _g, Packed, _quantMax, _correction, _aScale, _wScale, _bias, _relu, skip,
                Int8OutputKind.FloatChannels, default, planes, 0, 0, 0);
            int pixels = _outH * _outW;
            for (int p = 0; p < Rows; p++)
                for (int j = 0; j < _n; j++)
                {
                    float y = Expected(p, j);
                    Assert.True(rows[p * _n + j] == y, $"{what}: float row {p} channel {j} = {rows[p * _n + j]}, expected {y}");
                    Assert.True(planes[(p / pixels * _n + j) * pixels + p % pixels] == y, $"{what}: NCHW value of row {p} channel {j}");
                    Assert.True(bytes[p * _n + j] == Requantized(y), $"{what}: uint8 row {p} channel {j} = {bytes[p * _n + j]}, expected {Requantized(y)}");
                }
        }
    }
}
