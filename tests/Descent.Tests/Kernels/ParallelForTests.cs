using Descent.Kernels;

namespace Descent.Tests.Kernels;

[Trait("Category", "Kernels")]
public class ParallelForTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void VisitsEveryIndexExactlyOnce(int count)
    {
        var hits = new int[count];
        ParallelFor.Run(count, new CountBody(hits));
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void RethrowsTheBodysException()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ParallelFor.Run(100, new ThrowingBody()));
        Assert.Equal("boom 13", e.Message);
        // The pool is usable afterwards.
        var hits = new int[50];
        ParallelFor.Run(hits.Length, new CountBody(hits));
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void NestedRegionsRunInline()
    {
        var hits = new int[16 * 16];
        ParallelFor.Run(16, new NestedBody(hits));
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void RejectsZeroThreads()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ParallelFor.Threads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => ParallelFor.OverrideThreads(0));
    }

    [Fact]
    public void OverridesNestAndHoldOnlyOnTheirThread()
    {
        int processWide = ParallelFor.Threads;
        int seenElsewhere = 0;
        using (ParallelFor.OverrideThreads(processWide + 3))
        {
            using (ParallelFor.OverrideThreads(1))
            {
                Assert.Equal(1, ParallelFor.Threads);
                var other = new Thread(() => seenElsewhere = ParallelFor.Threads);
                other.Start();
                other.Join();
            }
            Assert.Equal(processWide + 3, ParallelFor.Threads);
            default(ParallelFor.ThreadsScope).Dispose();   // the empty scope changes nothing
            Assert.Equal(processWide + 3, ParallelFor.Threads);
        }
        Assert.Equal(processWide, seenElsewhere);
        Assert.Equal(processWide, ParallelFor.Threads);
    }

    [Fact]
    public void AnOverrideOfOneRunsTheRegionOnTheCallingThread()
    {
        var ids = new int[64];
        using (ParallelFor.OverrideThreads(1))
            ParallelFor.Run(ids.Length, new ThreadIdBody(ids));
        Assert.All(ids, id => Assert.Equal(Environment.CurrentManagedThreadId, id));
    }

    private readonly struct CountBody(int[] hits) : IParallelBody
    {
        public void Invoke(int index) => Interlocked.Increment(ref hits[index]);
    }

    private readonly struct ThreadIdBody(int[] ids) : IParallelBody
    {
        public void Invoke(int index) => ids[index] = Environment.CurrentManagedThreadId;
    }

    private readonly struct ThrowingBody : IParallelBody
    {
        public void Invoke(int index)
        {
            if (index == 13) throw new InvalidOperationException("boom 13");
        }
    }

    private readonly struct NestedBody(int[] hits) : IParallelBody
    {
        public void Invoke(int index) => ParallelFor.Run(16, new Inner(hits, index));

        private readonly struct Inner(int[] hits, int outer) : IParallelBody
        {
            public void Invoke(int index) => Interlocked.Increment(ref hits[outer * 16 + index]);
        }
    }
}
