namespace Descent.Tuning;

/// <summary>
/// The named study objectives over <see cref="BenchmarkFunctions"/>' test functions. Box objectives name their
/// parameters <c>x0</c>, <c>x1</c>, …; bench/compare/tuning.py defines every objective with the same names, ranges and
/// formulas so Descent's and Optuna's samplers are compared on identical problems.
/// </summary>
public static partial class BenchmarkFunctions
{
    /// <summary>
    /// The names accepted by <see cref="Objective"/>: the classic set the TPE defaults were tuned on (sphere, branin,
    /// hartmann6, rosenbrock10) first, then functions held out from that tuning (the suffix is the dimension), then
    /// two hyperparameter-search-like spaces with log, stepped, integer and categorical parameters.
    /// </summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "sphere", "branin", "hartmann6", "rosenbrock10",
        "camel", "sphere2", "sphere10", "rosenbrock4", "ackley5", "styblinski5", "rastrigin5", "levy5", "griewank5",
        "logmix", "mixed",
    ];

    /// <summary>Branin over x0 ∈ [−5, 10], x1 ∈ [0, 15].</summary>
    public static double BraninObjective(Trial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return Branin(trial.SuggestFloat("x0", -5, 10), trial.SuggestFloat("x1", 0, 15));
    }

    /// <summary>Hartmann-6 over x0…x5 ∈ [0, 1].</summary>
    public static double Hartmann6Objective(Trial trial) => Hartmann6(SuggestBox(trial, 6, 0, 1));

    /// <summary>10-D Rosenbrock over x0…x9 ∈ [−5, 10].</summary>
    public static double Rosenbrock10Objective(Trial trial) => Rosenbrock(SuggestBox(trial, 10, -5, 10));

    /// <summary>
    /// The objective called <paramref name="name"/>; <paramref name="dimensions"/> sizes <c>sphere</c> only. Searched spaces:
    /// <list type="bullet">
    /// <item><c>sphere</c> [−5, 5]^D, <c>sphere2</c> [−5, 5]², <c>sphere10</c> [−5, 5]¹⁰ (minimum 0);</item>
    /// <item><c>branin</c> [−5, 10] × [0, 15] (<see cref="BraninMin"/>); <c>hartmann6</c> [0, 1]⁶ (<see cref="Hartmann6Min"/>);</item>
    /// <item><c>rosenbrock4</c> [−5, 10]⁴, <c>rosenbrock10</c> [−5, 10]¹⁰ (minimum 0);</item>
    /// <item><c>camel</c> (six-hump camel) x0 ∈ [−3, 3], x1 ∈ [−2, 2] (<see cref="SixHumpCamelMin"/>);</item>
    /// <item><c>ackley5</c> [−32.768, 32.768]⁵, <c>rastrigin5</c> [−5.12, 5.12]⁵, <c>levy5</c> [−10, 10]⁵,
    /// <c>griewank5</c> [−600, 600]⁵ (minimum 0); <c>styblinski5</c> [−5, 5]⁵ (5 · <see cref="StyblinskiTangMinPerDimension"/>);</item>
    /// <item><c>logmix</c>: <see cref="LogMix"/> over lr ∈ [10⁻⁵, 1] log float, h ∈ [8, 512] log int, dr ∈ [0, 0.9] float;</item>
    /// <item><c>mixed</c>: <see cref="Mixed"/> over lr ∈ [10⁻⁵, 1] log float, drop ∈ [0, 0.5] step 0.125, layers ∈ [1, 9]
    /// step 2, width ∈ [8, 512] log int, opt ∈ {sgd, adam, rmsprop}, bn ∈ {true, false} (minimum 0).</item>
    /// </list>
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists <see cref="Names"/>), or a sphere of fewer than one dimension.</exception>
    public static Func<Trial, double> Objective(string name, int dimensions = 5) => name switch
    {
        "sphere" => dimensions >= 1 ? t => Sphere(SuggestBox(t, dimensions, -5, 5))
            : throw new ArgumentException($"a sphere needs at least one dimension, got {dimensions}", nameof(dimensions)),
        "branin" => BraninObjective,
        "hartmann6" => Hartmann6Objective,
        "rosenbrock10" => Rosenbrock10Objective,
        "camel" => CamelObjective,
        "sphere2" => t => Sphere(SuggestBox(t, 2, -5, 5)),
        "sphere10" => t => Sphere(SuggestBox(t, 10, -5, 5)),
        "rosenbrock4" => t => Rosenbrock(SuggestBox(t, 4, -5, 10)),
        "ackley5" => t => Ackley(SuggestBox(t, 5, -32.768, 32.768)),
        "styblinski5" => t => StyblinskiTang(SuggestBox(t, 5, -5, 5)),
        "rastrigin5" => t => Rastrigin(SuggestBox(t, 5, -5.12, 5.12)),
        "levy5" => t => Levy(SuggestBox(t, 5, -10, 10)),
        "griewank5" => t => Griewank(SuggestBox(t, 5, -600, 600)),
        "logmix" => LogMixObjective,
        "mixed" => MixedObjective,
        _ => throw new ArgumentException($"unknown benchmark objective '{name}' ({string.Join(", ", Names)})", nameof(name)),
    };

    private static double CamelObjective(Trial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return SixHumpCamel(trial.SuggestFloat("x0", -3, 3), trial.SuggestFloat("x1", -2, 2));
    }

    private static double LogMixObjective(Trial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        double lr = trial.SuggestFloat("lr", 1e-5, 1, log: true);
        int h = trial.SuggestInt("h", 8, 512, log: true);
        return LogMix(lr, h, trial.SuggestFloat("dr", 0, 0.9));
    }

    private static readonly string[] Optimizers = ["sgd", "adam", "rmsprop"];
    private static readonly bool[] OnOff = [true, false];

    private static double MixedObjective(Trial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        double lr = trial.SuggestFloat("lr", 1e-5, 1, log: true);
        double drop = trial.SuggestFloat("drop", 0, 0.5, step: 0.125);
        int layers = trial.SuggestInt("layers", 1, 9, step: 2);
        int width = trial.SuggestInt("width", 8, 512, log: true);
        string opt = trial.SuggestCategorical("opt", Optimizers);
        return Mixed(lr, drop, layers, width, opt, trial.SuggestCategorical("bn", OnOff));
    }

    private static double[] SuggestBox(Trial trial, int dimensions, double low, double high)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var x = new double[dimensions];
        for (int i = 0; i < dimensions; i++) x[i] = trial.SuggestFloat(ParamName(i), low, high);
        return x;
    }

    // Cached names: the overhead benchmark should not time string concatenation.
    private static readonly string[] ParamNames = [.. Enumerable.Range(0, 64).Select(i => "x" + i)];

    private static string ParamName(int i) => i < ParamNames.Length ? ParamNames[i] : "x" + i;
}
