using Descent.Benchmarks;
using Descent.Kernels;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Benchmarks;

public class ModelLatencyTests
{
    /// <summary>Records what each forward pass saw: its input shape, the training mode, grad mode and thread count.</summary>
    private sealed class Probe : Module
    {
        public List<(Shape Shape, bool Training, bool Grad, int Threads)> Calls { get; } = [];

        public override Tensor Forward(Tensor input)
        {
            Calls.Add((input.Shape, Training, GradMode.IsEnabled, ParallelFor.Threads));
            return input;
        }
    }

    [Fact]
    public void RunsWarmupAndRepeatsInEvalModeWithoutGradOnTheRequestedThreads()
    {
        using var outer = ParallelFor.OverrideThreads(2);
        var probe = new Probe();
        probe.Train();
        var m = ModelLatency.Measure(probe, new Shape(1, 4, 4), batch: 3, threads: 1, warmup: 2, repeats: 5);
        Assert.Equal(7, probe.Calls.Count);
        Assert.All(probe.Calls, c =>
        {
            Assert.Equal(new Shape(3, 1, 4, 4), c.Shape);
            Assert.False(c.Training);
            Assert.False(c.Grad);
            Assert.Equal(1, c.Threads);
        });
        Assert.True(probe.Training);
        Assert.Equal(2, ParallelFor.Threads);
        Assert.Equal((3, 1, 5), (m.Batch, m.Threads, m.Repeats));
        Assert.True(m.MedianMs >= m.MinMs && m.MinMs >= 0);
    }

    [Fact]
    public void ProfileMeasuresBatchOneAndTwoFiftySixOnOneAndAllThreads()
    {
        using var outer = ParallelFor.OverrideThreads(2);
        var probe = new Probe();
        var p = ModelLatency.Profile(probe, new Shape(2), warmup: 1, repeats: 1);
        Assert.Equal(2, p.AllThreads);
        var seen = probe.Calls.Select(c => (c.Shape[0], c.Threads)).Distinct().ToList();
        Assert.Equal([(1, 1), (1, 2), (256, 1), (256, 2)], seen);
        Assert.True(p.Batch1OneThreadMs >= 0 && p.Batch256AllThreadsMs >= 0);
    }

    [Fact]
    public void RefusesNonsenseSettings()
    {
        var probe = new Probe();
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelLatency.Measure(probe, new Shape(2), batch: 0, threads: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelLatency.Measure(probe, new Shape(2), batch: 1, threads: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelLatency.Measure(probe, new Shape(2), batch: 1, threads: 1, repeats: 0));
    }

    [Fact]
    public void MedianOfOddAndEvenCounts()
    {
        Assert.Equal(2.0, ModelLatency.Median([3.0, 1.0, 2.0]));
        Assert.Equal(2.5, ModelLatency.Median([4.0, 1.0, 2.0, 3.0]));
    }
}
