using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// Builds optimizers by name (PyTorch's class names, matched case-insensitively) with hyperparameters by PyTorch name, for
/// configuration files, the CLI and fixtures. Unknown optimizers and unknown hyperparameters are errors, never silently
/// ignored. Optimizers defined outside this library join with <see cref="Register{TOptions}"/>, after which experiment
/// files (<c>optimizer: {name: lion, ...}</c>) and <c>descent tune</c> accept them like the built-in ones.
/// </summary>
public static class OptimizerFactory
{
    private sealed record Entry(string Name, Type OptionsType, Func<OptimizerOptions> Defaults,
        Func<IEnumerable<Tensor>, OptimizerOptions, Optimizer> Create);

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Entry> ByName = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<Type, Entry> ByOptions = [];
    private static string[] _names = [];

    static OptimizerFactory()
    {
        Add("SGD", () => new SgdOptions(), (p, o) => new Sgd(p, o));
        Add("Adagrad", () => new AdagradOptions(), (p, o) => new Adagrad(p, o));
        Add("RMSprop", () => new RmsPropOptions(), (p, o) => new RmsProp(p, o));
        Add("Adam", () => new AdamOptions(), (p, o) => new Adam(p, o));
        Add("AdamW", () => new AdamWOptions(), (p, o) => new AdamW(p, o));
        Add("Adamax", () => new AdamaxOptions(), (p, o) => new Adamax(p, o));
        Add("NAdam", () => new NAdamOptions(), (p, o) => new NAdam(p, o));
        Add("RAdam", () => new RAdamOptions(), (p, o) => new RAdam(p, o));
        Add("Adadelta", () => new AdadeltaOptions(), (p, o) => new Adadelta(p, o));
        Add("GradientDescent", () => new GradientDescentOptions(), (p, o) => new GradientDescent(p, o));
        // Gradient-free (neuroevolution): stepped with a closure that evaluates the loss (Optimizer.Step(closure)).
        Add("GA", () => new GeneticOptimizerOptions(), (p, o) => new GeneticOptimizer(p, o));
        Add("SA", () => new AnnealingOptimizerOptions(), (p, o) => new AnnealingOptimizer(p, o));
        ByName["gd"] = ByName["GradientDescent"];
    }

    /// <summary>The optimizer names understood (matched case-insensitively): the built-in ones, then the registered ones.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (Gate) return _names;
        }
    }

    /// <summary>True when <paramref name="name"/> (any case, or the alias <c>gd</c>) names an optimizer.</summary>
    public static bool IsKnown(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (Gate) return ByName.ContainsKey(name);
    }

    /// <summary>
    /// Makes the optimizer <paramref name="name"/> available by name: <paramref name="defaults"/> creates its options
    /// with their defaults (a record declaring its hyperparameters, see <see cref="OptimizerOptions"/>) and
    /// <paramref name="create"/> builds it. Registering the same name with the same options type again does nothing;
    /// a name already taken by another optimizer is an error.
    /// </summary>
    public static void Register<TOptions>(string name, Func<TOptions> defaults, Func<IEnumerable<Tensor>, TOptions, Optimizer> create)
        where TOptions : OptimizerOptions
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(create);
        var sample = defaults() ?? throw new ArgumentException($"Register({name}): the options factory returned null.", nameof(defaults));
        if (sample.GetType() != typeof(TOptions))
            throw new ArgumentException($"Register({name}): the options factory made a {sample.GetType().Name}, not a {typeof(TOptions).Name}.", nameof(defaults));
        foreach (var required in new Hyperparameter[] { OptimizerOptions.LrHyperparameter, OptimizerOptions.WeightDecayHyperparameter })
            if (sample.Hyperparameters.Find(required.Key) is null)
                throw new ArgumentException(
                    $"Register({name}): {typeof(TOptions).Name} must declare '{required.Key}' (every optimizer's Hyperparameters hold OptimizerOptions.LrHyperparameter and WeightDecayHyperparameter).", nameof(defaults));
        sample.Validate();
        lock (Gate)
        {
            if (ByName.TryGetValue(name, out var existing))
            {
                if (existing.OptionsType == typeof(TOptions)) return;
                throw new ArgumentException($"The optimizer name '{name}' is already taken by {existing.Name} ({existing.OptionsType.Name}).", nameof(name));
            }
            if (ByOptions.TryGetValue(typeof(TOptions), out var other))
                throw new ArgumentException($"{typeof(TOptions).Name} is already registered as '{other.Name}'.", nameof(defaults));
            Add(name, defaults, create);
        }
    }

    /// <summary>Default options of optimizer <paramref name="name"/> with <paramref name="hyperparameters"/> (by PyTorch name) applied and validated.</summary>
    public static OptimizerOptions CreateOptions(string name, IReadOnlyDictionary<string, object?>? hyperparameters = null)
    {
        var options = Find(name).Defaults();
        if (hyperparameters is not null)
            foreach (var (key, value) in hyperparameters)
                options.Set(key, value);
        options.Validate();
        return options;
    }

    /// <summary>Creates optimizer <paramref name="name"/> over <paramref name="parameters"/>.</summary>
    public static Optimizer Create(string name, IEnumerable<Tensor> parameters, IReadOnlyDictionary<string, object?>? hyperparameters = null) =>
        Create(parameters, CreateOptions(name, hyperparameters));

    /// <summary>Creates the optimizer that <paramref name="options"/> belong to.</summary>
    public static Optimizer Create(IEnumerable<Tensor> parameters, OptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Entry? entry;
        lock (Gate) ByOptions.TryGetValue(options.GetType(), out entry);
        return entry is null
            ? throw new ArgumentException($"No optimizer for options of type {options.GetType().Name}; register it with OptimizerFactory.Register.", nameof(options))
            : entry.Create(parameters, options);
    }

    private static Entry Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (Gate)
            return ByName.TryGetValue(name, out var entry) ? entry
                : throw new ArgumentException($"Unknown optimizer '{name}' (known: {string.Join(", ", _names)}).", nameof(name));
    }

    // Callers hold Gate (or run in the static constructor).
    private static void Add<TOptions>(string name, Func<TOptions> defaults, Func<IEnumerable<Tensor>, TOptions, Optimizer> create)
        where TOptions : OptimizerOptions
    {
        var entry = new Entry(name, typeof(TOptions), defaults, (p, o) => create(p, (TOptions)o));
        ByName[name] = entry;
        ByOptions[typeof(TOptions)] = entry;
        _names = [.. _names, name];
    }
}
