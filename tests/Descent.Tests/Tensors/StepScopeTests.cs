using Descent.Tensors;

namespace Descent.Tests.Tensors;

public class StepScopeTests
{
    [Fact]
    public void TensorsUsedAfterTheirScopeThrow()
    {
        Tensor inside;
        using (StepScope.Begin())
        {
            inside = Tensor.Ones(4) * 2;
            Assert.Equal(8, inside.Sum().Item());
        }
        Assert.Throws<ObjectDisposedException>(() => inside.Sum());
        Assert.Throws<ObjectDisposedException>(() => inside.ToDoubleArray());
    }

    [Fact]
    public void TensorsCreatedOutsideOrSuspendedSurvive()
    {
        var outside = Tensor.Ones(3);
        Tensor kept;
        using (StepScope.Begin())
        {
            using (StepScope.Suspend()) kept = Tensor.Zeros(3);
            _ = outside * 3;
        }
        Assert.Equal(3, outside.Sum().Item());
        Assert.Equal(0, kept.Sum().Item());
    }

    [Fact]
    public void LeafGradientsOutliveTheStep()
    {
        var w = Tensor.Ones(new Shape(3), DType.Float64).RequiresGradInPlace();
        for (int step = 0; step < 3; step++)
        {
            using var scope = StepScope.Begin();
            (w * w).Sum().Backward();
        }
        Assert.Equal([6, 6, 6], w.Grad!.ToDoubleArray());
    }

    [Fact]
    public void SteadyStateStepsReuseMemory()
    {
        var w = Tensor.Ones(new Shape(256), DType.Float32).RequiresGradInPlace();
        void Step()
        {
            using var scope = StepScope.Begin();
            var y = (w * w + w).Sum();
            y.Backward();
        }
        for (int i = 0; i < 5; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) Step();
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        // Only small objects (tensor headers, graph nodes) are allocated; the 1 KiB buffers are pooled.
        Assert.InRange(perStep, 0, 4096);
    }

    [Fact]
    public void DisposingOutOfOrderThrows()
    {
        var outer = StepScope.Begin();
        var inner = StepScope.Begin();
        Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        inner.Dispose();
        outer.Dispose();
        Assert.False(StepScope.IsActive);
    }

    [Fact]
    public void DoubleDisposeIsHarmless()
    {
        var s = StepScope.Begin();
        s.Dispose();
        var t = StepScope.Begin();
        s.Dispose();   // stale handle: must not end the new scope
        Assert.True(StepScope.IsActive);
        t.Dispose();
        Assert.False(StepScope.IsActive);
    }
}
