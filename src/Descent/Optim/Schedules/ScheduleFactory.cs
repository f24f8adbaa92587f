namespace Descent.Optim.Schedules;

/// <summary>
/// Schedules by name: PyTorch's scheduler class names (plus Keras' ExponentialDecay and the textbook formulas), each
/// with a typed options record that declares its hyperparameters by PyTorch name, as configuration files and fixtures
/// give them. Unknown names and unknown hyperparameters are errors. Schedules defined outside this library join with
/// <see cref="Register{TOptions}"/>.
/// </summary>
public static class ScheduleFactory
{
    private const string Plateau = "ReduceLROnPlateau";

    private static readonly Lock Gate = new();
    private sealed record Entry(Type OptionsType, Func<ScheduleOptions> Defaults);

    private static readonly Dictionary<string, Entry> ByName = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, string> Canonical = new(StringComparer.OrdinalIgnoreCase);
    private static string[] _names = [];

    static ScheduleFactory()
    {
        Add("Constant", () => new ConstantScheduleOptions());
        Add("ConstantLR", () => new ConstantLROptions());
        Add("StepLR", () => new StepLROptions());
        Add("MultiStepLR", () => new MultiStepLROptions());
        Add("ExponentialLR", () => new ExponentialLROptions());
        Add("CosineAnnealingLR", () => new CosineAnnealingLROptions());
        Add("CosineAnnealingWarmRestarts", () => new CosineAnnealingWarmRestartsOptions());
        Add("LinearLR", () => new LinearLROptions());
        Add("PolynomialLR", () => new PolynomialLROptions());
        Add("OneCycleLR", () => new OneCycleLROptions());
        Add("CyclicLR", () => new CyclicLROptions());
        Add("SequentialLR", () => new SequentialLROptions());
        Add("ChainedScheduler", () => new ChainedSchedulerOptions());
        Add("KerasExponentialDecay", () => new KerasExponentialDecayOptions());
        Add("ContinuousExponentialDecay", () => new ContinuousExponentialDecayOptions());
        Add("CosineFormula", () => new CosineFormulaOptions());
        // Keras' own name, and the one schedule that needs an optimizer and a metric (not in Names).
        ByName["ExponentialDecay"] = ByName["KerasExponentialDecay"];
        Canonical["ExponentialDecay"] = "KerasExponentialDecay";
        ByName[Plateau] = new Entry(typeof(ReduceLROnPlateauOptions), () => new ReduceLROnPlateauOptions());
        Canonical[Plateau] = Plateau;
    }

    /// <summary>The names of the step-driven schedules <see cref="Create"/> builds (all but ReduceLROnPlateau), then registered ones.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (Gate) return _names;
        }
    }

    /// <summary>
    /// The factory's spelling of <paramref name="name"/> given in any case ("steplr" → "StepLR", Keras' "ExponentialDecay"
    /// → "KerasExponentialDecay", "ReduceLROnPlateau"), or null when no schedule has that name.
    /// </summary>
    public static string? CanonicalName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (Gate) return Canonical.GetValueOrDefault(name);
    }

    /// <summary>
    /// Makes schedule <paramref name="name"/> available by name: <paramref name="defaults"/> creates its options record
    /// (declaring its hyperparameters; <see cref="LrScheduleOptions.Create"/> builds the schedule). Registering the same
    /// name with the same options type again does nothing; a name already taken by another schedule is an error.
    /// </summary>
    public static void Register<TOptions>(string name, Func<TOptions> defaults) where TOptions : LrScheduleOptions
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(defaults);
        var sample = defaults() ?? throw new ArgumentException($"Register({name}): the options factory returned null.", nameof(defaults));
        lock (Gate)
        {
            if (ByName.TryGetValue(name, out var existing))
            {
                if (existing.OptionsType == typeof(TOptions)) return;
                throw new ArgumentException($"The schedule name '{name}' is already taken by {existing.OptionsType.Name}.", nameof(name));
            }
            // Configurations print ScheduleName and read it back: it must be the registered name.
            if (sample.GetType() != typeof(TOptions) || sample.ScheduleName != name)
                throw new ArgumentException($"Register({name}): the options factory made {sample.GetType().Name} for schedule '{sample.ScheduleName}'.", nameof(defaults));
            Add(name, defaults);
        }
    }

    /// <summary>
    /// The options record of schedule <paramref name="name"/> (any case) with its defaults; required hyperparameters are
    /// unset until given.
    /// </summary>
    public static ScheduleOptions DefaultOptions(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Entry? entry;
        lock (Gate) ByName.TryGetValue(name, out entry);
        return entry is null
            ? throw new ArgumentException($"Unknown schedule '{name}' (known: {string.Join(", ", Names)}, {Plateau}).", nameof(name))
            : entry.Defaults();
    }

    /// <summary>The options of schedule <paramref name="name"/> with <paramref name="hyperparameters"/> (by PyTorch name) applied and validated.</summary>
    public static ScheduleOptions CreateOptions(string name, IReadOnlyDictionary<string, object?>? hyperparameters)
    {
        var options = DefaultOptions(name);
        if (hyperparameters is not null)
            foreach (var (key, value) in hyperparameters)
                options.Set(key, value);
        options.Validate();
        return options;
    }

    /// <summary>Creates schedule <paramref name="name"/> from <paramref name="hyperparameters"/>.</summary>
    public static ILrSchedule Create(string name, IReadOnlyDictionary<string, object?>? hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (CanonicalName(name) == Plateau)
            throw new ArgumentException(
                "ReduceLROnPlateau depends on a metric, not only on the step: create it with ScheduleFactory.CreatePlateau.", nameof(name));
        return ((LrScheduleOptions)CreateOptions(name, hyperparameters)).Create();
    }

    /// <summary>Creates a ReduceLROnPlateau over <paramref name="optimizer"/> from <paramref name="hyperparameters"/>.</summary>
    public static ReduceLROnPlateau CreatePlateau(Optimizer optimizer, IReadOnlyDictionary<string, object?>? hyperparameters) =>
        new(optimizer, (ReduceLROnPlateauOptions)CreateOptions(Plateau, hyperparameters));

    // Callers hold Gate (or run in the static constructor).
    private static void Add<TOptions>(string name, Func<TOptions> defaults) where TOptions : ScheduleOptions
    {
        ByName[name] = new Entry(typeof(TOptions), defaults);
        Canonical[name] = name;
        _names = [.. _names, name];
    }
}
