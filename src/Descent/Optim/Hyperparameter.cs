namespace Descent.Optim;

/// <summary>
/// The one declaration of a hyperparameter of an options record: its PyTorch/YAML key, how to read and write the
/// record's typed property, and what values are valid. Everything that handles hyperparameters by name is derived from
/// the record's list of declarations (<see cref="HyperparameterOptions.Hyperparameters"/>): state dicts, <c>Set(name,
/// value)</c>, configuration files and <c>--set</c> overrides, printing, validation, and the checks of <c>descent tune</c>
/// search spaces. Create declarations with the static factories (<see cref="Number{TOwner}"/>, <see cref="Flag{TOwner}"/>,
/// <see cref="Choice{TOwner, T}"/>, <see cref="Pair{TOwner}"/>, …); the default of a hyperparameter is the value a new
/// record holds.
/// </summary>
public abstract class Hyperparameter
{
    private protected Hyperparameter(string key, Type ownerType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        Key = key;
        OwnerType = ownerType;
    }

    /// <summary>The key in state dicts and configuration files (PyTorch's name: <c>lr</c>, <c>betas</c>, <c>T_max</c>).</summary>
    public string Key { get; }

    /// <summary>The options record type that declares it.</summary>
    public Type OwnerType { get; }

    /// <summary>The kind of value.</summary>
    public abstract HyperparameterKind Kind { get; }

    /// <summary>The allowed interval of a number or integer (null for other kinds).</summary>
    public abstract ValueRange? Range { get; }

    /// <summary>The allowed names of a <see cref="HyperparameterKind.Choice"/> (empty for other kinds).</summary>
    public abstract IReadOnlyList<string> Choices { get; }

    /// <summary>True when null is a valid value (e.g. OneCycleLR's <c>max_lr</c>: use each group's rate).</summary>
    public abstract bool AllowsNull { get; }

    /// <summary>What a valid value is, as messages say it ("a number in [0, 1)").</summary>
    public abstract string Description { get; }

    /// <summary>The value of <paramref name="owner"/> as plain data (double, bool, string, number lists or null).</summary>
    public abstract object? GetValue(HyperparameterOptions owner);

    /// <summary>Converts a loose <paramref name="value"/> (number, string, bool, list), validates it and stores it.</summary>
    public abstract void SetValue(HyperparameterOptions owner, object? value);

    /// <summary>Throws when <paramref name="owner"/>'s value is invalid or a required value is unset.</summary>
    public abstract void Validate(HyperparameterOptions owner);

    /// <inheritdoc/>
    public override string ToString() => $"{Key}: {Description}";

    /// <summary>A real-valued hyperparameter in <paramref name="range"/> (any number but NaN when null).</summary>
    public static Hyperparameter<TOwner, double> Number<TOwner>(string key, Func<TOwner, double> get, Action<TOwner, double> set,
        ValueRange? range = null) where TOwner : HyperparameterOptions =>
        new(key, get, set, new NumberType(range ?? ValueRange.Any));

    /// <summary>A real-valued hyperparameter that may be null; <paramref name="required"/>: null means "not given" and is an error.</summary>
    public static Hyperparameter<TOwner, double?> NullableNumber<TOwner>(string key, Func<TOwner, double?> get, Action<TOwner, double?> set,
        ValueRange? range = null, bool required = false) where TOwner : HyperparameterOptions =>
        new(key, get, set, new NullableType<double>(new NumberType(range ?? ValueRange.Any), required));

    /// <summary>A whole-number hyperparameter in <paramref name="range"/> (any int when null).</summary>
    public static Hyperparameter<TOwner, int> Integer<TOwner>(string key, Func<TOwner, int> get, Action<TOwner, int> set,
        ValueRange? range = null) where TOwner : HyperparameterOptions =>
        new(key, get, set, new IntegerType(range ?? ValueRange.Interval(int.MinValue, int.MaxValue)));

    /// <summary>A whole-number hyperparameter that may be null; <paramref name="required"/>: null means "not given" and is an error.</summary>
    public static Hyperparameter<TOwner, int?> NullableInteger<TOwner>(string key, Func<TOwner, int?> get, Action<TOwner, int?> set,
        ValueRange? range = null, bool required = false) where TOwner : HyperparameterOptions =>
        new(key, get, set, new NullableType<int>(new IntegerType(range ?? ValueRange.Interval(int.MinValue, int.MaxValue)), required));

    /// <summary>A boolean hyperparameter.</summary>
    public static Hyperparameter<TOwner, bool> Flag<TOwner>(string key, Func<TOwner, bool> get, Action<TOwner, bool> set)
        where TOwner : HyperparameterOptions => new(key, get, set, FlagType.Instance);

    /// <summary>One of a few values, each written as a name (<c>(MomentumStyle.Ema, "ema")</c>).</summary>
    public static Hyperparameter<TOwner, T> Choice<TOwner, T>(string key, Func<TOwner, T> get, Action<TOwner, T> set,
        params (T Value, string Name)[] choices) where TOwner : HyperparameterOptions
    {
        if (choices.Length == 0) throw new ArgumentException($"{key}: a choice needs at least one value.", nameof(choices));
        return new(key, get, set, new ChoiceType<T>(choices));
    }

    /// <summary>
    /// Two numbers stored under one key (PyTorch's <c>betas</c>), made of two declarations that give each component its
    /// name, property and range; the pair is checked whole before either component is stored.
    /// </summary>
    public static Hyperparameter<TOwner, (double First, double Second)> Pair<TOwner>(string key,
        Hyperparameter<TOwner, double> first, Hyperparameter<TOwner, double> second) where TOwner : HyperparameterOptions
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return new(key, o => (first.Get(o), second.Get(o)), (o, v) => { first.Set(o, v.First); second.Set(o, v.Second); },
            new PairType(first.Key, first.Type, second.Key, second.Type));
    }

    /// <summary>A list of whole numbers (milestones), each in <paramref name="elementRange"/>; null is unset.</summary>
    public static Hyperparameter<TOwner, IReadOnlyList<int>?> Integers<TOwner>(string key, Func<TOwner, IReadOnlyList<int>?> get,
        Action<TOwner, IReadOnlyList<int>?> set, ValueRange? elementRange = null, bool required = false) where TOwner : HyperparameterOptions =>
        new(key, get, set, new IntegerListType(elementRange ?? ValueRange.Interval(int.MinValue, int.MaxValue), required));

    /// <summary>One number or a list of numbers (PyTorch's "float or list"), each in <paramref name="elementRange"/>; null is unset.</summary>
    public static Hyperparameter<TOwner, IReadOnlyList<double>?> NumberOrList<TOwner>(string key, Func<TOwner, IReadOnlyList<double>?> get,
        Action<TOwner, IReadOnlyList<double>?> set, ValueRange? elementRange = null) where TOwner : HyperparameterOptions =>
        new(key, get, set, new NumberOrListType(elementRange ?? ValueRange.Any));

    /// <summary>A key PyTorch accepts whose only valid value here is null (a Python callable); <paramref name="hint"/> says what to do instead.</summary>
    public static Hyperparameter<TOwner, object?> NullOnly<TOwner>(string key, string hint) where TOwner : HyperparameterOptions =>
        new(key, _ => null, (_, _) => { }, new NullOnlyType(hint));
}
