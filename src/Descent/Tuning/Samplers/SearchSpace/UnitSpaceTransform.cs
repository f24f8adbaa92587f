namespace Descent.Tuning;

/// <summary>
/// Maps a search space onto the unit cube, as Optuna's <c>_SearchSpaceTransform(transform_log=True,
/// transform_step=True, transform_0_1=True)</c> and its GP <c>normalize_one_param</c>: a numeric parameter
/// becomes one column in [0, 1] — its range widened by half a step on each side for ints and stepped
/// floats (so every grid value owns an equal cell), then log-scaled for log ranges, then scaled to
/// [0, 1]; a categorical parameter becomes one-hot columns (or, with <c>oneHot: false</c>, is not
/// representable and must be handled by the caller). Parameters are ordered by name (ordinal).
/// </summary>
internal sealed class UnitSpaceTransform
{
    private readonly double[] _lo, _hi;

    /// <summary>Builds the transform of <paramref name="space"/>.</summary>
    /// <exception cref="ArgumentException">A categorical parameter with <paramref name="oneHot"/> false.</exception>
    public UnitSpaceTransform(IReadOnlyDictionary<string, Distribution> space, bool oneHot = true)
    {
        Names = space.Keys.Order(StringComparer.Ordinal).ToArray();
        int p = Names.Length;
        Distributions = new Distribution[p];
        FirstColumn = new int[p];
        ColumnCounts = new int[p];
        GridCounts = new long[p];
        _lo = new double[p];
        _hi = new double[p];
        int column = 0;
        for (int i = 0; i < p; i++)
        {
            var d = space[Names[i]];
            Distributions[i] = d;
            FirstColumn[i] = column;
            switch (d)
            {
                case CategoricalDistribution c:
                    if (!oneHot) throw new ArgumentException($"{Names[i]}: categorical parameters have no numeric encoding here", nameof(space));
                    ColumnCounts[i] = c.Choices.Count;
                    GridCounts[i] = c.Choices.Count;
                    break;
                case FloatDistribution f:
                {
                    ColumnCounts[i] = 1;
                    double half = f.Step is double s ? s / 2 : 0;
                    GridCounts[i] = f.Step is double st ? (long)Math.Round((f.High - f.Low) / st) + 1 : 0;
                    (_lo[i], _hi[i]) = f.Log ? (Math.Log(f.Low), Math.Log(f.High)) : (f.Low - half, f.High + half);
                    break;
                }
                case IntDistribution n:
                    ColumnCounts[i] = 1;
                    GridCounts[i] = ((long)n.High - n.Low) / n.Step + 1;
                    (_lo[i], _hi[i]) = n.Log ? (Math.Log(n.Low - 0.5), Math.Log(n.High + 0.5)) : (n.Low - n.Step / 2.0, n.High + n.Step / 2.0);
                    break;
                default:
                    throw new ArgumentException($"unsupported distribution {d.GetType().Name}", nameof(space));
            }
            column += ColumnCounts[i];
        }
        ColumnCount = column;
        ParamOfColumn = new int[column];
        for (int i = 0; i < p; i++)
            for (int c = 0; c < ColumnCounts[i]; c++) ParamOfColumn[FirstColumn[i] + c] = i;
    }

    /// <summary>Parameter names, ordinal order.</summary>
    public string[] Names { get; }

    /// <summary>Distribution of each parameter.</summary>
    public Distribution[] Distributions { get; }

    /// <summary>First encoded column of each parameter.</summary>
    public int[] FirstColumn { get; }

    /// <summary>Encoded columns of each parameter (1, or the number of choices for a one-hot categorical).</summary>
    public int[] ColumnCounts { get; }

    /// <summary>Number of values of each discrete parameter (categorical, int, stepped float); 0 for continuous floats.</summary>
    public long[] GridCounts { get; }

    /// <summary>Total encoded columns.</summary>
    public int ColumnCount { get; }

    /// <summary>The parameter that owns each column.</summary>
    public int[] ParamOfColumn { get; }

    /// <summary>Number of parameters.</summary>
    public int ParamCount => Names.Length;

    /// <summary>Whether parameter <paramref name="p"/> is categorical.</summary>
    public bool IsCategorical(int p) => Distributions[p] is CategoricalDistribution;

    /// <summary>Whether every parameter of <paramref name="t"/> in this space is present and inside its range.</summary>
    public bool Covers(FrozenTrial t)
    {
        for (int p = 0; p < Names.Length; p++)
        {
            if (!t.InternalParams.TryGetValue(Names[p], out var v)) return false;
            if (Distributions[p] switch
            {
                FloatDistribution f => v < f.Low || v > f.High,
                IntDistribution n => v < n.Low || v > n.High,
                CategoricalDistribution c => v < 0 || v >= c.Choices.Count,
                _ => true,
            }) return false;
        }
        return true;
    }

    /// <summary>Encodes the internal values of a trial into <paramref name="features"/> (length <see cref="ColumnCount"/>).</summary>
    public void Encode(IReadOnlyDictionary<string, double> internalParams, Span<double> features)
    {
        for (int p = 0; p < Names.Length; p++)
        {
            double v = internalParams[Names[p]];
            if (IsCategorical(p))
            {
                features.Slice(FirstColumn[p], ColumnCounts[p]).Clear();
                features[FirstColumn[p] + (int)v] = 1;
            }
            else
            {
                features[FirstColumn[p]] = ToUnit(p, v);
            }
        }
    }

    /// <summary>The unit coordinate of numeric parameter <paramref name="p"/>'s internal value.</summary>
    public double ToUnit(int p, double value)
    {
        bool log = Distributions[p] is FloatDistribution { Log: true } or IntDistribution { Log: true };
        double t = log ? Math.Log(value) : value;
        return _hi[p] > _lo[p] ? Math.Clamp((t - _lo[p]) / (_hi[p] - _lo[p]), 0, 1) : 0.5;
    }

    /// <summary>The internal value of numeric parameter <paramref name="p"/> at unit coordinate <paramref name="u"/>: rounded onto its grid and clamped into its range.</summary>
    public double FromUnit(int p, double u)
    {
        double t = _lo[p] + Math.Clamp(u, 0, 1) * (_hi[p] - _lo[p]);
        switch (Distributions[p])
        {
            case FloatDistribution f:
            {
                double v = f.Log ? Math.Exp(t) : t;
                if (f.Step is double s)
                {
                    long k = Math.Clamp((long)Math.Round((v - f.Low) / s), 0, GridCounts[p] - 1);
                    return Math.Min(f.High, f.Low + k * s);
                }
                return Math.Clamp(v, f.Low, f.High);
            }
            case IntDistribution n:
            {
                double v = n.Log ? Math.Exp(t) : t;
                long k = Math.Clamp((long)Math.Round((v - n.Low) / n.Step), 0, GridCounts[p] - 1);
                return n.Low + k * (double)n.Step;
            }
            default:
                throw new DescentInternalException($"{Names[p]}: not a numeric parameter");
        }
    }

    /// <summary>The unit coordinate of the grid value nearest to <paramref name="u"/> (identity for continuous floats).</summary>
    public double Snap(int p, double u) => GridCounts[p] == 0 ? Math.Clamp(u, 0, 1) : ToUnit(p, FromUnit(p, u));

    /// <summary>The unit coordinate of grid value <paramref name="k"/> (0-based) of discrete numeric parameter <paramref name="p"/>.</summary>
    public double GridUnit(int p, long k) => Distributions[p] switch
    {
        FloatDistribution f => ToUnit(p, Math.Min(f.High, f.Low + k * f.Step!.Value)),
        IntDistribution n => ToUnit(p, n.Low + k * (double)n.Step),
        _ => throw new DescentInternalException($"{Names[p]}: not a numeric parameter"),
    };

    /// <summary>The grid index (0-based) of the value nearest to unit coordinate <paramref name="u"/> of discrete numeric parameter <paramref name="p"/>.</summary>
    public long GridIndex(int p, double u) => Distributions[p] switch
    {
        FloatDistribution f => (long)Math.Round((FromUnit(p, u) - f.Low) / f.Step!.Value),
        IntDistribution n => (long)Math.Round((FromUnit(p, u) - n.Low) / n.Step),
        _ => throw new DescentInternalException($"{Names[p]}: not a numeric parameter"),
    };

    /// <summary>Decodes <paramref name="features"/> into internal values by name (categoricals: the largest one-hot column).</summary>
    public Dictionary<string, double> Decode(ReadOnlySpan<double> features)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int p = 0; p < Names.Length; p++)
        {
            if (IsCategorical(p))
            {
                int best = 0;
                for (int c = 1; c < ColumnCounts[p]; c++)
                    if (features[FirstColumn[p] + c] > features[FirstColumn[p] + best]) best = c;
                result[Names[p]] = best;
            }
            else
            {
                result[Names[p]] = FromUnit(p, features[FirstColumn[p]]);
            }
        }
        return result;
    }
}
