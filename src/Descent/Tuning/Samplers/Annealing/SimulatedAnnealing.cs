namespace Descent.Tuning;

/// <summary>
/// Simulated annealing with an ask/tell interface (minimization) over a <see cref="GeneSpace"/> of float, int and
/// categorical parameters. The structure is generalized simulated annealing as scipy's <c>dual_annealing</c> runs it
/// (Xiang et al. 1997): chains of 2·genes moves — the first half move every gene, the second half one gene each — at
/// a temperature that falls per chain (<see cref="AnnealingCooling"/>); a worse point is accepted by the Metropolis test
/// (or Tsallis' generalized one); after a chain that improved the best point, that point is polished by L-BFGS with
/// finite differences over the continuous genes (<see cref="BoxLbfgs"/>, forward differences of step 10⁻⁸ as scipy's
/// default minimizer), and after <see cref="AnnealingOptions.StallChains"/> chains without improvement the last chain's
/// best point is polished instead; once the temperature falls below the restart threshold the chain is reheated from a random
/// point (or the best). Numeric genes move in natural coordinates (log scale for log ranges) and wrap around their
/// bounds; int and stepped genes are rounded onto their grid, a one-gene move always changing the value; categorical
/// genes change to another choice (every gene-move of a one-gene move, with probability 1/genes in an all-gene move).
/// The algorithm is an iterator that yields each point it needs, so a run is a pure function of the seed and the told
/// values: replaying the values replays the run (which is how <see cref="AnnealingSampler"/> resumes a stored chain).
/// </summary>
public sealed class SimulatedAnnealing
{
    private readonly AnnealingOptions _options;
    private readonly AnnealingSchedule _schedule;
    private readonly double[]? _x0;
    private readonly IEnumerator<double[]> _steps;
    private double[]? _pending;
    private double _told;

    /// <summary>Creates the optimizer over <paramref name="space"/>, starting at <paramref name="x0"/> (a genome; null: random).</summary>
    /// <exception cref="ArgumentException">An option is out of range, or <paramref name="x0"/> does not fit the space.</exception>
    public SimulatedAnnealing(GeneSpace space, AnnealingOptions? options = null, IReadOnlyList<double>? x0 = null)
    {
        Space = space ?? throw new ArgumentNullException(nameof(space));
        _options = options ?? new AnnealingOptions();
        _options.Validate();
        _schedule = new AnnealingSchedule(_options);
        if (x0 is not null)
        {
            if (x0.Count != space.Count) throw new ArgumentException($"x0 has {x0.Count} genes, the space {space.Count}", nameof(x0));
            for (int g = 0; g < x0.Count; g++)
                if (!space.Distributions[g].Contains(x0[g])) throw new ArgumentException($"x0: {space.Names[g]} = {x0[g]} is outside {space.Distributions[g]}", nameof(x0));
            _x0 = [.. x0];
        }
        Seed = _options.Seed ?? new TuningRandom().NextSeed();
        _steps = Run().GetEnumerator();
    }

    /// <summary>The genes.</summary>
    public GeneSpace Space { get; }

    /// <summary>The seed of the run (drawn when the options give none).</summary>
    public long Seed { get; }

    /// <summary>The best genome told so far, or null.</summary>
    public double[]? BestGenome { get; private set; }

    /// <summary>Its value (+∞ before the first <see cref="Tell"/>).</summary>
    public double BestValue { get; private set; } = double.PositiveInfinity;

    /// <summary>Values told so far.</summary>
    public long Evaluations { get; private set; }

    /// <summary>The visiting temperature of the current chain.</summary>
    public double Temperature { get; private set; }

    /// <summary>Times the chain was reheated.</summary>
    public int Reheats { get; private set; }

    /// <summary>Evaluations spent polishing.</summary>
    public long PolishEvaluations { get; private set; }

    /// <summary>The next genome to evaluate; asking again before <see cref="Tell"/> returns the same genome.</summary>
    public double[] Ask()
    {
        if (_pending is null)
        {
            _steps.MoveNext(); // the run never ends
            _pending = _steps.Current;
        }
        return (double[])_pending.Clone();
    }

    /// <summary>Takes the value of the genome last asked; NaN counts as +∞.</summary>
    /// <exception cref="InvalidOperationException">Nothing was asked.</exception>
    public void Tell(double value)
    {
        var genome = _pending ?? throw new InvalidOperationException("nothing to tell: call Ask first");
        _told = double.IsNaN(value) ? double.PositiveInfinity : value;
        Evaluations++;
        if (_told < BestValue)
        {
            BestValue = _told;
            BestGenome = genome;
        }
        _pending = null;
    }

    /// <summary>Runs ask/evaluate/tell for <paramref name="maxEvaluations"/> evaluations; returns the best genome and value.</summary>
    public (double[] Genome, double Value) Minimize(Func<double[], double> objective, long maxEvaluations)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvaluations, 1);
        while (Evaluations < maxEvaluations)
        {
            var x = Ask();
            Tell(objective(x));
        }
        return ((double[])BestGenome!.Clone(), BestValue);
    }

    // The whole run, one yielded genome per evaluation; each value is in _told after the yield.
    private IEnumerable<double[]> Run()
    {
        var rng = new TuningRandom(Seed);
        int n = Space.Count;
        var current = _x0 ?? Space.Random(rng);
        yield return current;
        double fCurrent = _told;
        int stalled = 0, stallLimit = _options.StallChains ?? n;
        while (true)
        {
            for (int k = 0; ; k++)
            {
                Temperature = _schedule.Temperature(k);
                if (_schedule.ShouldReheat(Temperature)) break;
                double acceptance = _schedule.AcceptanceTemperature(k);
                bool improved = k == 0, calibrating = _schedule.Calibrating;
                double worse = 0;
                int worseCount = 0;
                double[]? chainBest = null;
                double fChainBest = double.PositiveInfinity;
                for (int j = 0; j < 2 * n; j++)
                {
                    var y = Neighbour(current, j, Temperature, rng);
                    double best = BestValue;
                    yield return y;
                    if (_told < fChainBest) (chainBest, fChainBest) = (y, _told);
                    if (calibrating)
                    {
                        // Measuring T₀: a random walk that records the size of the worse moves.
                        if (_told > fCurrent && double.IsFinite(_told)) { worse += _told - fCurrent; worseCount++; }
                        (current, fCurrent) = (y, _told);
                    }
                    else if (_told < fCurrent)
                    {
                        if (_told < best) improved = true;
                        (current, fCurrent) = (y, _told);
                    }
                    else if (_schedule.Accept(_told - fCurrent, acceptance, rng))
                    {
                        (current, fCurrent) = (y, _told);
                    }
                }
                if (calibrating)
                {
                    _schedule.Calibrate(worseCount == 0 ? 0 : worse / worseCount);
                    (current, fCurrent) = (BestGenome ?? current, BestValue);
                    k = -1; // the annealing proper starts at chain 0
                    continue;
                }
                stalled = improved ? 0 : stalled + 1;
                if (_options.LocalPolish && !improved && stalled >= stallLimit && chainBest is not null)
                {
                    // No chain improved the best for a while: polish this chain's best point instead (scipy's strategy
                    // chain does the same after not_improved_max_idx chains, a limit it sets to the dimension after the
                    // first time). Each polish lands in another basin's minimum, which the chain's raw visits rarely hit
                    // closely enough to beat the polished best (Griewank-10: median 0.018 instead of 0.053).
                    stalled = 0;
                    foreach (var point in Polish(chainBest))
                    {
                        PolishEvaluations++;
                        yield return point;
                    }
                    if (BestValue < fCurrent) (current, fCurrent) = (BestGenome!, BestValue);
                }
                if (_options.LocalPolish && improved && BestGenome is { } start)
                {
                    double before = BestValue;
                    foreach (var point in Polish(start))
                    {
                        PolishEvaluations++;
                        yield return point;
                    }
                    if (BestValue < before) (current, fCurrent) = (BestGenome!, BestValue);
                }
            }
            Reheats++;
            if (_options.Restart == AnnealingRestart.Best && BestGenome is { } b)
            {
                (current, fCurrent) = (b, BestValue);
            }
            else
            {
                current = Space.Random(rng);
                yield return current;
                fCurrent = _told;
            }
        }
    }

    // Moves every gene (j < genes) or gene j − genes.
    private double[] Neighbour(double[] x, int j, double temperature, TuningRandom rng)
    {
        var y = (double[])x.Clone();
        int n = Space.Count;
        if (j < n)
        {
            for (int g = 0; g < n; g++)
            {
                if (Space.IsCategorical(g))
                {
                    if (rng.NextDouble() < 1.0 / n) y[g] = OtherChoice(g, y[g], rng);
                }
                else
                {
                    y[g] = Visit(g, y[g], temperature, rng, oneGene: false);
                }
            }
        }
        else
        {
            int g = j - n;
            y[g] = Space.IsCategorical(g) ? OtherChoice(g, y[g], rng) : Visit(g, y[g], temperature, rng, oneGene: true);
        }
        return y;
    }

    private double Visit(int g, double value, double temperature, TuningRandom rng, bool oneGene)
    {
        if (Space.Distributions[g].IsSingle) return value;
        double low = Space.NaturalLow(g), high = Space.NaturalHigh(g);
        double step = _schedule.Step(temperature, high - low, rng);
        double moved = Space.FromNatural(g, AnnealingSchedule.Wrap(Space.ToNatural(g, value) + step, low, high));
        if (!oneGene || moved != value || Space.IsContinuous(g)) return moved;
        // A one-gene move on a grid always changes the value: one grid point in the step's direction (or back).
        return GridNeighbour(g, value, step >= 0 ? 1 : -1);
    }

    private double GridNeighbour(int g, double value, int direction)
    {
        double step = Space.Distributions[g] switch
        {
            IntDistribution i => i.Step,
            FloatDistribution { Step: double s } => s,
            _ => 0,
        };
        var d = Space.Distributions[g];
        double next = value + direction * step;
        if (d.Contains(next)) return next;
        double back = value - direction * step;
        return d.Contains(back) ? back : value;
    }

    private double OtherChoice(int g, double value, TuningRandom rng)
    {
        int count = Space.ChoiceCount(g);
        if (count < 2) return value;
        int other = rng.NextInt(count - 1);
        return other >= (int)value ? other + 1 : other;
    }

    // L-BFGS over the continuous genes of start (the others fixed), gradients by forward differences of step 1e-8 in
    // natural coordinates (scipy's approx_fprime default), stepping backwards at the upper bound.
    private IEnumerable<double[]> Polish(double[] start)
    {
        var genes = Enumerable.Range(0, Space.Count).Where(Space.IsContinuous).ToArray();
        if (genes.Length == 0) yield break;
        var lower = genes.Select(Space.NaturalLow).ToArray();
        var upper = genes.Select(Space.NaturalHigh).ToArray();
        var x0 = genes.Select(g => Space.ToNatural(g, start[g])).ToArray();
        int iterations = _options.PolishIterations ?? Math.Min(Math.Max(6 * Space.Count, 100), 1000);
        const double h = 1e-8;
        foreach (var request in BoxLbfgs.Iterate(x0, lower, upper, new BoxLbfgs.Outcome(), iterations))
        {
            yield return Embed(start, genes, request.Point);
            double f0 = _told;
            var probe = (double[])request.Point.Clone();
            for (int i = 0; i < genes.Length; i++)
            {
                double step = probe[i] + h <= upper[i] ? h : -h;
                probe[i] += step;
                yield return Embed(start, genes, probe);
                double slope = (_told - f0) / step;
                // A non-finite neighbour (or start) gives no usable slope; the line search then backtracks on values alone.
                request.Gradient[i] = double.IsFinite(slope) ? slope : 0;
                probe[i] = request.Point[i];
            }
            request.Value = f0;
        }
    }

    private double[] Embed(double[] start, int[] genes, double[] natural)
    {
        var genome = (double[])start.Clone();
        for (int i = 0; i < genes.Length; i++) genome[genes[i]] = Space.FromNatural(genes[i], natural[i]);
        return genome;
    }
}
