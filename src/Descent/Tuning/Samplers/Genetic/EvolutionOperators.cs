namespace Descent.Tuning;

/// <summary>
/// The variation and selection operators of the genetic algorithms, on unit coordinates ([0, 1], see
/// <see cref="GeneSpace"/>) and on permutations. Each draws only from the generator it is given, so a caller that
/// gives every child its own stream gets results independent of evaluation order and thread count.
/// </summary>
public static class EvolutionOperators
{
    /// <summary>
    /// Bounded simulated binary crossover of one variable on [0, 1] (Deb &amp; Agrawal 1995, in the bounded form of Deb's
    /// NSGA-II code and pymoo's <c>cross_sbx</c>): the spread factor β_q follows the polynomial distribution of index
    /// <paramref name="eta"/>, folded so both children stay within the bounds. One uniform draw; returns the child near
    /// the smaller parent and the child near the larger one. Parents closer than 1e-14 are returned unchanged.
    /// </summary>
    public static (double Low, double High) SimulatedBinary(double a, double b, double eta, TuningRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double y1 = Math.Min(a, b), y2 = Math.Max(a, b);
        if (y2 - y1 <= 1e-14) return (y1, y2);
        double r = rng.NextDouble();
        double BetaQ(double beta)
        {
            double alpha = 2 - Math.Pow(beta, -(eta + 1));
            return r <= 1 / alpha ? Math.Pow(r * alpha, 1 / (eta + 1)) : Math.Pow(1 / (2 - r * alpha), 1 / (eta + 1));
        }
        double c1 = 0.5 * (y1 + y2 - BetaQ(1 + 2 * y1 / (y2 - y1)) * (y2 - y1));
        double c2 = 0.5 * (y1 + y2 + BetaQ(1 + 2 * (1 - y2) / (y2 - y1)) * (y2 - y1));
        return (Math.Clamp(c1, 0, 1), Math.Clamp(c2, 0, 1));
    }

    /// <summary>
    /// One child of <see cref="SimulatedBinary"/>: the same uniform draw, then a second one picking the child near the
    /// smaller parent (below ½) or the one near the larger. Equal to drawing both and choosing, with half the powers
    /// (the genetic algorithm keeps one child per random stream).
    /// </summary>
    public static double SimulatedBinaryChild(double a, double b, double eta, TuningRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double y1 = Math.Min(a, b), y2 = Math.Max(a, b);
        if (y2 - y1 <= 1e-14) return rng.NextDouble() < 0.5 ? y1 : y2;
        double r = rng.NextDouble();
        bool low = rng.NextDouble() < 0.5;
        double beta = low ? 1 + 2 * y1 / (y2 - y1) : 1 + 2 * (1 - y2) / (y2 - y1);
        double alpha = 2 - Math.Pow(beta, -(eta + 1));
        double betaQ = r <= 1 / alpha ? Math.Pow(r * alpha, 1 / (eta + 1)) : Math.Pow(1 / (2 - r * alpha), 1 / (eta + 1));
        return low ? Math.Clamp(0.5 * (y1 + y2 - betaQ * (y2 - y1)), 0, 1) : Math.Clamp(0.5 * (y1 + y2 + betaQ * (y2 - y1)), 0, 1);
    }

    /// <summary>
    /// Bounded polynomial mutation of one variable on [0, 1] (Deb &amp; Goyal 1996, the form with δ₁ = x and δ₂ = 1 − x of
    /// Deb's NSGA-II code and pymoo's <c>mut_pm</c>): a perturbation of distribution index <paramref name="eta"/> that
    /// never leaves the bounds. One uniform draw.
    /// </summary>
    public static double PolynomialMutation(double x, double eta, TuningRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double r = rng.NextDouble(), power = 1 / (eta + 1), deltaQ;
        if (r <= 0.5)
        {
            double v = 2 * r + (1 - 2 * r) * Math.Pow(1 - x, eta + 1); // (1 − δ₁)^(η+1), δ₁ = x: a step down, at most to 0
            deltaQ = Math.Pow(v, power) - 1;
        }
        else
        {
            double v = 2 * (1 - r) + 2 * (r - 0.5) * Math.Pow(x, eta + 1);      // (1 − δ₂)^(η+1), δ₂ = 1 − x: a step up, at most to 1
            deltaQ = 1 - Math.Pow(v, power);
        }
        return Math.Clamp(x + deltaQ, 0, 1);
    }

    /// <summary>
    /// Tournament selection for minimization: <paramref name="size"/> entrants drawn with replacement, the one with the
    /// smallest fitness wins (the first drawn on ties, so the result depends only on the draws). Returns its index.
    /// </summary>
    public static int Tournament(IReadOnlyList<double> fitness, int size, TuningRandom rng)
    {
        ArgumentNullException.ThrowIfNull(fitness);
        ArgumentNullException.ThrowIfNull(rng);
        if (fitness.Count == 0) throw new ArgumentException("the population is empty", nameof(fitness));
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        int best = rng.NextInt(fitness.Count);
        for (int k = 1; k < size; k++)
        {
            int other = rng.NextInt(fitness.Count);
            if (fitness[other] < fitness[best]) best = other;
        }
        return best;
    }

    /// <summary>
    /// Order crossover (OX, Davis 1985): the child keeps <paramref name="first"/>'s segment between two random cut points
    /// and fills the other positions, starting after the segment and wrapping around, with the remaining items in the
    /// order they appear in <paramref name="second"/> from the same point. Both parents are permutations of 0…n−1.
    /// </summary>
    public static int[] OrderCrossover(IReadOnlyList<int> first, IReadOnlyList<int> second, TuningRandom rng)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(rng);
        int n = first.Count;
        if (second.Count != n) throw new ArgumentException($"the parents have {n} and {second.Count} items", nameof(second));
        var child = new int[n];
        if (n == 0) return child;
        int a = rng.NextInt(n), b = rng.NextInt(n);
        if (a > b) (a, b) = (b, a);
        var taken = new bool[n];
        for (int i = a; i <= b; i++)
        {
            child[i] = first[i];
            taken[first[i]] = true;
        }
        int write = (b + 1) % n;
        for (int k = 0; k < n; k++)
        {
            int item = second[(b + 1 + k) % n];
            if (taken[item]) continue;
            child[write] = item;
            taken[item] = true;
            write = (write + 1) % n;
        }
        return child;
    }

    /// <summary>Swap mutation: exchanges the items at two distinct random positions (a copy; fewer than two items are copied unchanged).</summary>
    public static int[] SwapMutation(IReadOnlyList<int> permutation, TuningRandom rng)
    {
        ArgumentNullException.ThrowIfNull(permutation);
        ArgumentNullException.ThrowIfNull(rng);
        var child = permutation.ToArray();
        if (child.Length < 2) return child;
        var (i, j) = DistinctPositions(child.Length, rng);
        (child[i], child[j]) = (child[j], child[i]);
        return child;
    }

    /// <summary>Inversion mutation (Holland 1975; pymoo's default for permutations): reverses the segment between two distinct random positions (a copy).</summary>
    public static int[] InversionMutation(IReadOnlyList<int> permutation, TuningRandom rng)
    {
        ArgumentNullException.ThrowIfNull(permutation);
        ArgumentNullException.ThrowIfNull(rng);
        var child = permutation.ToArray();
        if (child.Length < 2) return child;
        var (i, j) = DistinctPositions(child.Length, rng);
        if (i > j) (i, j) = (j, i);
        Array.Reverse(child, i, j - i + 1);
        return child;
    }

    // Two distinct positions of n ≥ 2, uniformly: the second is drawn among the n − 1 others.
    private static (int I, int J) DistinctPositions(int n, TuningRandom rng)
    {
        int i = rng.NextInt(n), j = rng.NextInt(n - 1);
        return (i, j >= i ? j + 1 : j);
    }
}
