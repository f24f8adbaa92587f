using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// <see cref="ParallelFor"/> as GEMM uses it: many short back-to-back regions. Checks the claim protocol
/// (generation + index in one word) under churn: every index exactly once, failures rethrown without
/// poisoning the next region, and never more threads than <see cref="ParallelFor.Threads"/>.
/// </summary>
[Trait("Category", "Kernels")]
[Collection(GemmSerialCollection.Name)]
public class GemmParallelForTests
{
    [Fact]
    public void ManyShortRegionsRunEveryIndexExactlyOnce()
    {
        using var settings = new GemmSettings(KernelConfig.Simd, 3, GemmBlocking.MinParallelFlops);
        var hits = new int[64];
        for (int region = 0; region < 5000; region++)
        {
            int count = 1 + region % hits.Length;
            Array.Clear(hits);
            var body = new CountBody(hits, region);
            ParallelFor.Run(count, in body);
            for (int i = 0; i < hits.Length; i++)
                Assert.True(hits[i] == (i < count ? 1 : 0), $"region {region}: index {i} ran {hits[i]} times (count {count})");
        }
    }

    [Fact]
    public void FailureIsRethrownAndTheNextRegionWorks()
    {
        using var settings = new GemmSettings(KernelConfig.Simd, 2, GemmBlocking.MinParallelFlops);
        var hits = new int[16];
        var failing = new FailBody(7);
        var e = Assert.Throws<InvalidOperationException>(() => ParallelFor.Run(16, in failing));
        Assert.Equal("item 7", e.Message);

        var body = new CountBody(hits, 0);
        ParallelFor.Run(hits.Length, in body);
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void NeverUsesMoreThreadsThanAllowed()
    {
        var gauge = new int[2];   // [current, max]
        // Grow the pool to 3 workers first, then allow only 2 threads.
        using (new GemmSettings(KernelConfig.Simd, 4, GemmBlocking.MinParallelFlops))
        {
            var warm = new GaugeBody(gauge);
            ParallelFor.Run(8, in warm);
        }
        Volatile.Write(ref gauge[1], 0);
        using (new GemmSettings(KernelConfig.Simd, 2, GemmBlocking.MinParallelFlops))
        {
            var body = new GaugeBody(gauge);
            for (int i = 0; i < 50; i++)
                ParallelFor.Run(8, in body);
        }
        Assert.InRange(Volatile.Read(ref gauge[1]), 1, 2);
    }

    private readonly struct CountBody(int[] hits, int seed) : IParallelBody
    {
        public void Invoke(int index)
        {
            Thread.SpinWait((index * 7 + seed) % 50);   // uneven items
            Interlocked.Increment(ref hits[index]);
        }
    }

    private readonly struct FailBody(int bad) : IParallelBody
    {
        public void Invoke(int index)
        {
            if (index == bad)
                throw new InvalidOperationException($"item {index}");
        }
    }

    private readonly struct GaugeBody(int[] gauge) : IParallelBody
    {
        public void Invoke(int index)
        {
            int now = Interlocked.Increment(ref gauge[0]);
            int max;
            while (now > (max = Volatile.Read(ref gauge[1])) && Interlocked.CompareExchange(ref gauge[1], now, max) != max)
            {
            }
            Thread.SpinWait(2000);
            Interlocked.Decrement(ref gauge[0]);
        }
    }
}
