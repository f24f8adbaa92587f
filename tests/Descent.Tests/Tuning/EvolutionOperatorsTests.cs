using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class EvolutionOperatorsTests
{
    [Fact]
    public void SimulatedBinaryCrossoverSpreadsChildrenAsThePolynomialDistribution()
    {
        // Far from the bounds, β = |c₂ − c₁|/|b − a| follows Deb's density 0.5(η + 1)β^η below 1, so P(β ≤ 1) = ½, and
        // the children are centred on the parents' midpoint.
        var rng = new TuningRandom(1);
        int inside = 0, n = 20000;
        double mid = 0;
        for (int i = 0; i < n; i++)
        {
            var (low, high) = EvolutionOperators.SimulatedBinary(0.45, 0.55, 15, rng);
            Assert.InRange(low, 0, 1);
            Assert.InRange(high, 0, 1);
            Assert.True(low <= high);
            if (high - low <= 0.1 + 1e-12) inside++;
            mid += (low + high) / 2;
        }
        Assert.InRange(inside / (double)n, 0.48, 0.52);
        Assert.InRange(mid / n, 0.499, 0.501);
    }

    [Fact]
    public void SimulatedBinaryCrossoverStaysInsideTheBoundsAndKeepsEqualParents()
    {
        var rng = new TuningRandom(2);
        for (int i = 0; i < 5000; i++)
        {
            var (low, high) = EvolutionOperators.SimulatedBinary(0.001, 0.999, 2, rng);
            Assert.InRange(low, 0, 1);
            Assert.InRange(high, 0, 1);
        }
        Assert.Equal((0.3, 0.3), EvolutionOperators.SimulatedBinary(0.3, 0.3, 15, rng));
    }

    [Theory]
    [InlineData(0.45, 0.55, 15)]
    [InlineData(0.001, 0.999, 2)]
    [InlineData(0.9, 0.2, 20)]
    [InlineData(0.3, 0.3, 15)]
    public void OneSimulatedBinaryChildIsTheChildThatDrawingBothAndChoosingKeeps(double a, double b, double eta)
    {
        // The GA keeps one child per stream: SimulatedBinaryChild must consume the same draws and give the same value as
        // SimulatedBinary followed by a ½ choice, so the faster path changes no run.
        var both = new TuningRandom(7);
        var one = new TuningRandom(7);
        for (int i = 0; i < 2000; i++)
        {
            var (low, high) = EvolutionOperators.SimulatedBinary(a, b, eta, both);
            double expected = both.NextDouble() < 0.5 ? low : high;
            Assert.Equal(expected, EvolutionOperators.SimulatedBinaryChild(a, b, eta, one));
        }
        Assert.Equal(both.NextDouble(), one.NextDouble());
    }

    [Fact]
    public void PolynomialMutationHasThePolynomialSpreadAndRespectsTheBounds()
    {
        // Away from the bounds δ has density ½(η + 1)(1 − |δ|)^η: mean 0, variance 2/((η + 2)(η + 3)), so σ ≈ 0.0629 for η = 20.
        var rng = new TuningRandom(3);
        int n = 40000;
        double sum = 0, squares = 0;
        for (int i = 0; i < n; i++)
        {
            double d = EvolutionOperators.PolynomialMutation(0.5, 20, rng) - 0.5;
            sum += d;
            squares += d * d;
        }
        double sd = Math.Sqrt(squares / n - (sum / n) * (sum / n));
        Assert.InRange(sum / n, -0.002, 0.002);
        Assert.InRange(sd, 0.0629 * 0.97, 0.0629 * 1.03);
        for (int i = 0; i < 2000; i++)
        {
            Assert.InRange(EvolutionOperators.PolynomialMutation(0, 20, rng), 0, 1);
            Assert.InRange(EvolutionOperators.PolynomialMutation(1, 20, rng), 0, 1);
        }
    }

    [Fact]
    public void TournamentFavoursTheFitterEntrant()
    {
        var rng = new TuningRandom(4);
        double[] fitness = [5, 1, 3];
        int wins = 0;
        for (int i = 0; i < 9000; i++) if (EvolutionOperators.Tournament(fitness, 2, rng) == 1) wins++;
        // Index 1 wins whenever it is drawn: 1 − (2/3)² = 5/9.
        Assert.InRange(wins / 9000.0, 5 / 9.0 - 0.02, 5 / 9.0 + 0.02);
        Assert.Throws<ArgumentException>(() => EvolutionOperators.Tournament([], 2, rng));
    }

    [Fact]
    public void OrderCrossoverKeepsASegmentOfTheFirstParentAndTheOrderOfTheSecond()
    {
        var rng = new TuningRandom(5);
        int[] first = [0, 1, 2, 3, 4, 5, 6, 7], second = [7, 6, 5, 4, 3, 2, 1, 0];
        for (int trial = 0; trial < 200; trial++)
        {
            var child = EvolutionOperators.OrderCrossover(first, second, rng);
            Assert.Equal(Enumerable.Range(0, 8), child.Order());
            // The positions where the child agrees with the first parent form one cyclic run; the others follow the
            // second parent's relative order.
            var fromSecond = child.Where((v, i) => v != first[i]).ToList();
            var order = second.Where(fromSecond.Contains).ToList();
            Assert.True(IsRotation(fromSecond, order), $"{string.Join(",", child)}");
        }
    }

    private static bool IsRotation(List<int> a, List<int> b)
    {
        if (a.Count != b.Count) return false;
        if (a.Count == 0) return true;
        for (int shift = 0; shift < a.Count; shift++)
            if (a.Select((_, i) => a[(i + shift) % a.Count]).SequenceEqual(b)) return true;
        return false;
    }

    [Fact]
    public void SwapAndInversionMutationsChangeTwoPositionsOrReverseASegment()
    {
        var rng = new TuningRandom(6);
        int[] p = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        for (int trial = 0; trial < 200; trial++)
        {
            var swapped = EvolutionOperators.SwapMutation(p, rng);
            Assert.Equal(2, swapped.Where((v, i) => v != p[i]).Count());
            var inverted = EvolutionOperators.InversionMutation(p, rng);
            Assert.Equal(p, inverted.Order());
            int lo = Enumerable.Range(0, p.Length).First(i => inverted[i] != p[i]);
            int hi = Enumerable.Range(0, p.Length).Last(i => inverted[i] != p[i]);
            Assert.Equal(p[lo..(hi + 1)].Reverse(), inverted[lo..(hi + 1)]);
        }
        Assert.Equal([7], EvolutionOperators.SwapMutation([7], rng));
        Assert.Equal(p, p.ToArray()); // the parent is never changed
    }
}
