using System.Diagnostics;
using Descent.Kernels;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Benchmarks;

/// <summary>One latency measurement of a model's inference.</summary>
/// <param name="Batch">Samples per forward pass.</param>
/// <param name="Threads">Worker threads the kernels could use.</param>
/// <param name="MedianMs">Median milliseconds per forward pass over the timed repeats.</param>
/// <param name="MinMs">Fastest repeat, milliseconds.</param>
/// <param name="Repeats">Timed repeats.</param>
/// <param name="CpuTime">True when the time is the thread's CPU time (one thread on Linux), false for wall-clock time.</param>
public sealed record LatencyMeasurement(int Batch, int Threads, double MedianMs, double MinMs, int Repeats, bool CpuTime);

/// <summary>
/// The four latencies a pruning report shows (issue #12 §4): batch 1 and batch 256, one thread and all threads,
/// milliseconds per forward pass (medians).
/// </summary>
/// <param name="Batch1OneThreadMs">Batch 1, one thread.</param>
/// <param name="Batch1AllThreadsMs">Batch 1, <see cref="AllThreads"/> threads.</param>
/// <param name="Batch256OneThreadMs">Batch 256, one thread.</param>
/// <param name="Batch256AllThreadsMs">Batch 256, <see cref="AllThreads"/> threads.</param>
/// <param name="AllThreads">The thread count of the "all" columns (the process-wide <see cref="ParallelFor.Threads"/>).</param>
public sealed record LatencyProfile(double Batch1OneThreadMs, double Batch1AllThreadsMs, double Batch256OneThreadMs, double Batch256AllThreadsMs,
    int AllThreads);

/// <summary>
/// Measured inference latency of any model, for the pruning report, <c>descent prune</c> and the benchmarks: the model
/// in evaluation mode without autograd, random inputs in [0, 1), a warm-up (tiered JIT, buffers) and then the median of
/// timed forward passes. On one thread the time is the thread's CPU time where the OS has that clock (a shared, loaded
/// machine otherwise adds the time the scheduler gives other processes); with several threads it is wall-clock time.
/// The model's training mode is restored afterwards.
/// </summary>
public static class ModelLatency
{
    /// <summary>
    /// Median milliseconds of <paramref name="repeats"/> forward passes of a batch of <paramref name="batch"/> samples of
    /// shape <paramref name="sampleShape"/> (without the batch dimension, e.g. [1, 28, 28]) on <paramref name="threads"/>
    /// threads, after <paramref name="warmup"/> untimed passes. Each timed repeat runs the forward pass at least once
    /// and until <paramref name="minSeconds"/> have passed (0: exactly once), and counts the mean per pass.
    /// </summary>
    public static LatencyMeasurement Measure(Module model, Shape sampleShape, int batch, int threads, int warmup = 5, int repeats = 15,
        double minSeconds = 0, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(minSeconds);
        var dims = new int[sampleShape.Rank + 1];
        dims[0] = batch;
        for (int d = 0; d < sampleShape.Rank; d++) dims[d + 1] = sampleShape[d];
        var input = Tensor.Rand(new Shape(dims), dtype, new Generator(12345));
        bool training = model.Training;
        model.Eval();
        try
        {
            using var scope = ParallelFor.OverrideThreads(threads);
            using var noGrad = GradMode.Disable();
            void Forward()
            {
                using var step = StepScope.Begin();
                model.Call(input);
            }
            for (int i = 0; i < warmup; i++) Forward();
            bool cpu = threads == 1 && ThreadCpuClock.Seconds() is not null;
            Func<double> clock = cpu ? () => ThreadCpuClock.Seconds()!.Value : WallSeconds;
            var times = new double[repeats];
            for (int r = 0; r < repeats; r++)
            {
                long calls = 0;
                double start = clock(), elapsed;
                do
                {
                    Forward();
                    calls++;
                    elapsed = clock() - start;
                }
                while (elapsed < minSeconds);
                times[r] = elapsed / calls * 1e3;
            }
            return new LatencyMeasurement(batch, threads, Median(times), times.Min(), repeats, cpu);
        }
        finally
        {
            model.Train(training);
        }
    }

    /// <summary>
    /// The four latencies of <see cref="LatencyProfile"/>: batch 1 and 256 on one thread and on all threads (the
    /// process-wide <see cref="ParallelFor.Threads"/>), each the median of <paramref name="repeats"/> passes after
    /// <paramref name="warmup"/>.
    /// </summary>
    public static LatencyProfile Profile(Module model, Shape sampleShape, int warmup = 5, int repeats = 15, DType dtype = DType.Float32)
    {
        int all = ParallelFor.Threads;
        double Ms(int batch, int threads) =>
            Measure(model, sampleShape, batch, threads, warmup, repeats, batch == 1 ? 0.002 : 0, dtype).MedianMs;
        return new LatencyProfile(Ms(1, 1), Ms(1, all), Ms(256, 1), Ms(256, all), all);
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        int h = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
    }

    private static double WallSeconds() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
}
