using Descent.Tensors;

namespace Descent.Tests.Tensors;

public class GeneratorTests
{
    [Fact]
    public void SameSeedSameStream()
    {
        var a = new Generator(42);
        var b = new Generator(42);
        for (int i = 0; i < 100; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
    }

    [Fact]
    public void StreamIsPinnedAcrossPlatforms()
    {
        // xoshiro256** seeded by SplitMix64(0): the first outputs are fixed by the algorithm, so any platform,
        // runtime or refactoring that changed them would break reproducibility of every seeded run.
        var g = new Generator(0);
        var first = new[] { g.NextUInt64(), g.NextUInt64(), g.NextUInt64() };
        var again = new Generator(0);
        Assert.Equal(first, new[] { again.NextUInt64(), again.NextUInt64(), again.NextUInt64() });
        Assert.Equal(ReferenceXoshiro(0, 3), first);
    }

    [Fact]
    public void StateRoundTrips()
    {
        var g = new Generator(7);
        g.NextNormal();
        var state = g.GetState();
        var x = g.NextNormal();
        var h = new Generator(1);
        h.SetState(state);
        Assert.Equal(x, h.NextNormal());
    }

    [Fact]
    public void BoundedIntegersAreInRangeAndCoverIt()
    {
        var g = new Generator(3);
        var seen = new bool[7];
        for (int i = 0; i < 1000; i++)
        {
            long v = g.NextInt64(7);
            Assert.InRange(v, 0, 6);
            seen[v] = true;
        }
        Assert.All(seen, Assert.True);
    }

    [Fact]
    public void NormalHasUnitMoments()
    {
        var g = new Generator(11);
        double s = 0, s2 = 0;
        const int n = 200_000;
        for (int i = 0; i < n; i++) { double x = g.NextNormal(); s += x; s2 += x * x; }
        Assert.InRange(s / n, -0.01, 0.01);
        Assert.InRange(s2 / n, 0.98, 1.02);
    }

    // An independent transcription of the published algorithm (Vigna, xoshiro256starstar.c + splitmix64.c).
    private static ulong[] ReferenceXoshiro(ulong seed, int count)
    {
        ulong x = seed;
        ulong Next()
        {
            ulong z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
        ulong[] s = [Next(), Next(), Next(), Next()];
        var result = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = ulong.RotateLeft(s[1] * 5, 7) * 9;
            ulong t = s[1] << 17;
            s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t;
            s[3] = ulong.RotateLeft(s[3], 45);
        }
        return result;
    }
}
