using Descent.Benchmarks;
using Descent.Kernels;

namespace Descent.Tests.Benchmarks;

/// <summary>The measurements behind <c>descent bench gemm|optim|train|distill</c> (the CLI only parses and prints them).</summary>
public class BenchmarkMeasurementTests
{
    [Fact]
    public void GemmReportsGflopsFromTheFastestCallAndRestoresTheThreadCount()
    {
        using var outer = ParallelFor.OverrideThreads(2);
        var r = GemmBenchmark.Measure(new GemmCase(8, 4, 3, TransB: true, Double: true), threads: 1, repeat: 2, minSeconds: 0.001);
        Assert.Equal(2, ParallelFor.Threads);
        Assert.Equal(1, r.Threads);
        Assert.True(r.SecondsPerCall > 0);
        Assert.Equal(2.0 * 8 * 4 * 3 / r.SecondsPerCall / 1e9, r.Gflops, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => GemmBenchmark.Measure(new GemmCase(2, 2, 2), 1, 0, 0.001));
    }

    [Fact]
    public void OptimizerStepCountsTheBytesTheUpdateMustMove()
    {
        var r = OptimizerStepBenchmark.Measure("adam", 1000, threads: 1, repeat: 1, minSeconds: 0.005);
        Assert.Equal(28_000, r.Bytes);
        Assert.True(r.SecondsPerStep > 0 && r.CopySecondsPerStep > 0);
        Assert.Equal(r.GbPerSecond / r.CopyGbPerSecond, r.BandwidthFraction, 12);
        Assert.Equal(20, OptimizerStepBenchmark.BytesPerParam("sgd"));
        var e = Assert.Throws<ArgumentException>(() => OptimizerStepBenchmark.Measure("lion", 10, 1, 1, 0.001));
        Assert.Contains("unknown optimizer 'lion' (adam, adamw, sgd, rmsprop, adagrad)", e.Message);
    }

    [Fact]
    public void TrainingRejectsACosineScheduleWithoutEpochs()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            TrainingBenchmark.Measure(new TrainingBenchmarkSettings { Model = "mlp", Cosine = true }, TextWriter.Null));
        Assert.Contains("cosine schedule needs epochs", e.Message);
    }

    [Fact]
    public void DistillationTimesEveryKindAndTheOneTimeTeacherPass()
    {
        var r = DistillationBenchmark.Measure(new DistillationBenchmarkSettings
        {
            Hidden = [8], Batch = 128, Epochs = 1, Rounds = 2, OnTheFly = true, Samples = 256,
        }, TextWriter.Null);
        Assert.Equal(256, r.Samples);
        Assert.True(r.PlainEpochSeconds > 0 && r.PrecomputedEpochSeconds > 0 && r.OnTheFlyEpochSeconds > 0 && r.PrecomputeSeconds > 0);
        Assert.Equal(r.PrecomputedEpochSeconds / r.PlainEpochSeconds, r.PrecomputedRatio, 12);
        Assert.Equal(r.OnTheFlyEpochSeconds / r.PlainEpochSeconds, r.OnTheFlyRatio);
        var plainOnly = DistillationBenchmark.Measure(new DistillationBenchmarkSettings { Hidden = [8], Epochs = 1, Rounds = 1, Samples = 128 }, TextWriter.Null);
        Assert.Null(plainOnly.OnTheFlyEpochSeconds);
        Assert.Null(plainOnly.OnTheFlyRatio);
    }

    [Fact]
    public void DistillationRejectsZeroRoundsOrEpochs()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DistillationBenchmark.Measure(new DistillationBenchmarkSettings { Rounds = 0 }, TextWriter.Null));
        Assert.Equal("Rounds", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => DistillationBenchmark.Measure(new DistillationBenchmarkSettings { Epochs = 0 }, TextWriter.Null));
        Assert.Equal("Epochs", e.ParamName);
    }
}
