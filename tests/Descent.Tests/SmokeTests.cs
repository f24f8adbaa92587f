namespace Descent.Tests;

public class SmokeTests
{
    [Fact]
    public void ParallelForVisitsEveryIndexOnce()
    {
        var hits = new int[1000];
        var body = new CountBody(hits);
        Descent.Kernels.ParallelFor.Run(hits.Length, in body);
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    private readonly struct CountBody(int[] hits) : Descent.Kernels.IParallelBody
    {
        public void Invoke(int index) => Interlocked.Increment(ref hits[index]);
    }
}
