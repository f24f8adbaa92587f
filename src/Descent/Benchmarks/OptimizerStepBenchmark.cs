using System.Diagnostics;
using Descent.Kernels;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Benchmarks;

/// <summary>One optimizer step timed beside a copy of the same memory traffic.</summary>
/// <param name="Optimizer">Optimizer name (as in <see cref="OptimizerStepBenchmark.Names"/>).</param>
/// <param name="Params">Number of float32 parameters (one tensor).</param>
/// <param name="Threads">Worker threads used.</param>
/// <param name="SecondsPerStep">Fastest repetition's time per step.</param>
/// <param name="CopySecondsPerStep">Fastest time of a parallel span copy moving the step's bytes.</param>
/// <param name="Bytes">Bytes the update must read and write.</param>
public sealed record OptimizerStepMeasurement(string Optimizer, int Params, int Threads, double SecondsPerStep, double CopySecondsPerStep, double Bytes)
{
    /// <summary>The update's memory traffic per second, in GB/s.</summary>
    public double GbPerSecond => Bytes / SecondsPerStep / 1e9;

    /// <summary>The copy's GB/s: what the memory system delivers here.</summary>
    public double CopyGbPerSecond => Bytes / CopySecondsPerStep / 1e9;

    /// <summary><see cref="GbPerSecond"/> / <see cref="CopyGbPerSecond"/>.</summary>
    public double BandwidthFraction => GbPerSecond / CopyGbPerSecond;
}

/// <summary>
/// Times one optimizer step on N float32 parameters (<c>descent bench optim</c>; bench/compare/optim.sh compares with
/// PyTorch) with lr 1e-3 and PyTorch's defaults (SGD with momentum 0.9), and the machine's copy bandwidth measured the
/// same way: a short calibration, then <c>repeat</c> repetitions of at least <c>minSeconds</c>; the fastest is kept.
/// </summary>
public static class OptimizerStepBenchmark
{
    /// <summary>The optimizers measured (their names are <see cref="OptimizerFactory"/>'s, lower case).</summary>
    public static IReadOnlyList<string> Names { get; } = ["adam", "adamw", "sgd", "rmsprop", "adagrad"];

    /// <summary>
    /// Bytes per parameter the update must read and write: Adam/AdamW read param, grad, exp_avg, exp_avg_sq and write
    /// param, exp_avg, exp_avg_sq (28 B); SGD with momentum, RMSprop and Adagrad read three buffers and write two (20 B).
    /// </summary>
    public static int BytesPerParam(string optimizer) => optimizer switch
    {
        "adam" or "adamw" => 28,
        "sgd" or "rmsprop" or "adagrad" => 20,
        _ => throw new ArgumentException($"unknown optimizer '{optimizer}' ({string.Join(", ", Names)})", nameof(optimizer)),
    };

    /// <summary>Times <paramref name="optimizer"/> on <paramref name="parameters"/> parameters with <paramref name="threads"/> worker threads.</summary>
    public static OptimizerStepMeasurement Measure(string optimizer, int parameters, int threads, int repeat, double minSeconds)
    {
        double bytes = (double)BytesPerParam(optimizer) * parameters;
        ArgumentOutOfRangeException.ThrowIfLessThan(parameters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        if (!(minSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(minSeconds), minSeconds, "must be positive");
        // Scoped to this thread, which runs the updates: tests run the benchmark in-process beside other tests.
        using var scope = ParallelFor.OverrideThreads(threads);
        double seconds = TimeStep(optimizer, parameters, repeat, minSeconds);
        double copySeconds = TimeCopy((long)(bytes / 8), repeat, minSeconds);
        return new OptimizerStepMeasurement(optimizer, parameters, threads, seconds, copySeconds, bytes);
    }

    private static double TimeStep(string name, int n, int repeat, double minSeconds)
    {
        var rng = new Random(42);
        var data = new float[n];
        var grad = new float[n];
        for (int i = 0; i < n; i++)
        {
            data[i] = (float)(rng.NextDouble() * 2 - 1);
            grad[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        var p = Tensor.FromArray(data, n).RequiresGradInPlace();
        p.Grad = Tensor.FromArray(grad, n);
        var hyperparameters = new Dictionary<string, object?> { ["lr"] = 1e-3 };
        if (name == "sgd") hyperparameters["momentum"] = 0.9;
        var optimizer = OptimizerFactory.Create(name, [p], hyperparameters);
        return Fastest(optimizer.Step, repeat, minSeconds);
    }

    private static double TimeCopy(long floats, int repeat, double minSeconds)
    {
        int n = (int)Math.Min(floats, Array.MaxLength);
        var src = new float[n];
        var dst = new float[n];
        src.AsSpan().Fill(1);
        return Fastest(() => ParallelFor.Run((n + CopyBody.Chunk - 1) / CopyBody.Chunk, new CopyBody(src, dst)), repeat, minSeconds);
    }

    /// <summary>Fastest per-call time over <paramref name="repeat"/> repetitions of at least <paramref name="minSeconds"/>.</summary>
    private static double Fastest(Action call, int repeat, double minSeconds)
    {
        for (int i = 0; i < 3; i++) call();
        // Calls per repetition from a short calibration run.
        var sw = Stopwatch.StartNew();
        int calibration = 0;
        while (sw.Elapsed.TotalSeconds < minSeconds / 4 || calibration < 2)
        {
            call();
            calibration++;
        }
        int calls = Math.Max(1, (int)(calibration * minSeconds / sw.Elapsed.TotalSeconds));
        double best = double.PositiveInfinity;
        for (int r = 0; r < repeat; r++)
        {
            sw.Restart();
            for (int i = 0; i < calls; i++) call();
            best = Math.Min(best, sw.Elapsed.TotalSeconds / calls);
        }
        return best;
    }

    private readonly struct CopyBody(float[] src, float[] dst) : IParallelBody
    {
        public const int Chunk = 1 << 16;

        public void Invoke(int index)
        {
            int start = index * Chunk, len = Math.Min(Chunk, src.Length - start);
            src.AsSpan(start, len).CopyTo(dst.AsSpan(start, len));
        }
    }
}
