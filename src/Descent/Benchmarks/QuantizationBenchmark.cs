using System.Diagnostics;
using Descent.Compression.Quantization;
using Descent.Experiments;
using Descent.Kernels;
using Descent.Kernels.Quantized;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Benchmarks;

/// <summary>Float32 against int8 times of one workload, measured alternately in the same run.</summary>
/// <param name="Float32Seconds">Median time per call of the float32 version.</param>
/// <param name="Int8Seconds">Median time per call of the int8 version.</param>
/// <param name="Ratio">Median over the repetitions of float32 time / int8 time (above 1: int8 is faster).</param>
public sealed record SpeedComparison(double Float32Seconds, double Int8Seconds, double Ratio);

/// <summary>An int8 GEMM shape (y[m×n] = x[m×k]·Wᵀ) and what it measured.</summary>
/// <param name="M">Rows (batch).</param>
/// <param name="N">Output features.</param>
/// <param name="K">Input features.</param>
/// <param name="Threads">Worker threads.</param>
/// <param name="Gemm">Sgemm (transposed weights, as Linear calls it) against the int8 GEMM with its float output.</param>
/// <param name="WithQuantize">The same, the int8 side including the per-batch quantization of x to 7 bits.</param>
/// <param name="FullRange">Sgemm against the exact int16 kernel that full-range (8-bit) activations take.</param>
public sealed record QuantGemmMeasurement(int M, int N, int K, int Threads, SpeedComparison Gemm, SpeedComparison WithQuantize, SpeedComparison FullRange);

/// <summary>A model's float32 and dynamic-int8 inference and what it measured.</summary>
/// <param name="Model">Preset name.</param>
/// <param name="Batch">Rows per forward pass.</param>
/// <param name="Threads">Worker threads.</param>
/// <param name="Forward">float32 forward against the quantized model's forward.</param>
/// <param name="Converted">Layers the conversion replaced, by path.</param>
public sealed record QuantModelMeasurement(string Model, int Batch, int Threads, SpeedComparison Forward, IReadOnlyList<string> Converted);

/// <summary>
/// Measurement code of <c>descent bench quant</c> (bench/compare/quant.sh prints PyTorch's numbers beside it):
/// each repetition times the float32 and the int8 version back to back for at least <c>minSeconds</c> each, so both
/// see the same machine load, and the ratio is the median of the per-repetition ratios. On one thread the time is the
/// thread's CPU time (it excludes the time the scheduler gives to other processes on a shared machine); with several
/// threads it is wall-clock time.
/// </summary>
public static class QuantizationBenchmark
{
    /// <summary>Times the float32 and int8 GEMMs of one Linear shape.</summary>
    public static QuantGemmMeasurement MeasureGemm(int m, int n, int k, int threads, int repeat, double minSeconds)
    {
        Check(threads, repeat, minSeconds);
        using var scope = ParallelFor.OverrideThreads(threads);
        var rng = new Random(42);
        var x = Random(rng, m * k);
        var w = Random(rng, n * k);
        var c = new float[m * n];
        var qw = new sbyte[n * k];
        for (int i = 0; i < qw.Length; i++) qw[i] = (sbyte)Math.Round(w[i] * 127);
        var packed = Int8PackedMatrix.Pack(qw, n, k);
        var offsets = new short[m * k];
        var values = new byte[m * k];
        var scales = Enumerable.Repeat(1f / 127, n).ToArray();
        var bias = new float[n];
        // x in [-1, 1): 7-bit activations with zero point 64, 8-bit ones with 128.
        QuantizeKernels.Quantize(x, 63.5f, 64, 0, 127, values);
        QuantizeKernels.Quantize(x, 127.5f, 128, 0, 255, 128, offsets);
        void Float() => Gemm.Sgemm(false, true, m, n, k, 1f, x, k, w, k, 0f, c, n);
        void Int8() => Int8Gemm.MultiplyToFloat(m, values, k, 64, 127, packed, 1f / 63.5f, scales, bias, false, c, n);
        void Int8FullRange() => Int8Gemm.MultiplyToFloat(m, offsets, k, packed, 1f / 127.5f, scales, bias, false, c, n);
        void Int8Quantized()
        {
            QuantizeKernels.Quantize(x, 63.5f, 64, 0, 127, values);
            Int8();
        }
        return new QuantGemmMeasurement(m, n, k, threads, Compare(Float, Int8, threads, repeat, minSeconds),
            Compare(Float, Int8Quantized, threads, repeat, minSeconds), Compare(Float, Int8FullRange, threads, repeat, minSeconds));
    }

    /// <summary>
    /// Times inference of a preset (random weights, BatchNorm statistics from a few random batches, random inputs in
    /// [0, 1)) in float32 and after quantization at one batch size: <paramref name="mode"/> "dynamic"
    /// (<see cref="Quantizer.QuantizeDynamic"/>, Linear layers) or "static" (<see cref="Quantizer.QuantizeStatic"/>
    /// calibrated on four batches: Linear and Conv2d, BatchNorm folded); 7-bit activations unless
    /// <paramref name="reduceRange"/> is false.
    /// </summary>
    public static QuantModelMeasurement MeasureModel(string model, int batch, int threads, int repeat, double minSeconds, bool perChannel = false,
        bool reduceRange = true, string mode = "dynamic")
    {
        Check(threads, repeat, minSeconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        if (mode is not ("dynamic" or "static"))
            throw new ArgumentException($"quantization mode '{mode}' is not one of dynamic, static.", nameof(mode));
        using var scope = ParallelFor.OverrideThreads(threads);
        var generator = new Generator(7);
        var floatModel = Preset(model);
        var input = Tensor.Rand(new Shape(batch, 1, 28, 28), generator: generator);
        QuantizationResult report;
        if (mode == "dynamic")
        {
            report = Quantizer.QuantizeDynamic(floatModel, perChannel, reduceRange);
        }
        else
        {
            var calibration = Enumerable.Range(0, 4).Select(_ => Tensor.Rand(new Shape(64, 1, 28, 28), generator: generator)).ToList();
            report = Quantizer.QuantizeStatic(Preset(model), calibration, new QuantizationOptions(perChannel, reduceRange));
        }
        var quantized = report.Model;
        void Run(Module m)
        {
            using var noGrad = GradMode.Disable();
            using var step = StepScope.Begin();
            m.Call(input);
        }
        var forward = Compare(() => Run(floatModel), () => Run(quantized), threads, repeat, minSeconds);
        return new QuantModelMeasurement(model, batch, threads, forward, report.Converted.Select(c => c.Path).ToList());
    }

    /// <summary>The preset with seed 7 (the same weights every call) in evaluation mode, BatchNorm statistics from random batches.</summary>
    private static Module Preset(string name)
    {
        var model = ModelPresets.Create(name, generator: new Generator(7));
        var generator = new Generator(8);
        using (GradMode.Disable())
            for (int i = 0; i < 2; i++) model.Call(Tensor.Rand(new Shape(32, 1, 28, 28), generator: generator));
        model.Eval();
        return model;
    }

    private static void Check(int threads, int repeat, double minSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        if (!(minSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(minSeconds), minSeconds, "must be positive");
    }

    private static float[] Random(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    private static SpeedComparison Compare(Action float32, Action int8, int threads, int repeat, double minSeconds)
    {
        Func<double> clock = threads == 1 && OperatingSystem.IsLinux() ? ThreadCpuSeconds : WallSeconds;
        // Warm-up: tiered JIT reaches the optimized kernels and every buffer is touched.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 20 || warm.Elapsed.TotalSeconds < Math.Min(0.3, minSeconds); i++)
        {
            float32();
            int8();
        }
        var f = new double[repeat];
        var q = new double[repeat];
        var ratios = new double[repeat];
        for (int r = 0; r < repeat; r++)
        {
            f[r] = Time(float32, clock, minSeconds);
            q[r] = Time(int8, clock, minSeconds);
            ratios[r] = f[r] / q[r];
        }
        return new SpeedComparison(Median(f), Median(q), Median(ratios));
    }

    private static double Time(Action call, Func<double> clock, double minSeconds)
    {
        long calls = 0;
        double start = clock();
        double elapsed;
        do
        {
            call();
            calls++;
            elapsed = clock() - start;
        }
        while (elapsed < minSeconds);
        return elapsed / calls;
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int h = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
    }

    private static double WallSeconds() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    private static double ThreadCpuSeconds() => ThreadCpuClock.Seconds() ?? WallSeconds();
}
