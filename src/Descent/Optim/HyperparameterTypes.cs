namespace Descent.Optim;

/// <summary>What kind of value a hyperparameter holds, which decides how a search space may vary it.</summary>
public enum HyperparameterKind
{
    /// <summary>A real number (searched with <c>float:</c> or <c>int:</c> ranges inside its <see cref="ValueRange"/>).</summary>
    Number,

    /// <summary>A whole number (searched with <c>int:</c> ranges).</summary>
    Integer,

    /// <summary>true or false (searched with <c>choice:</c>).</summary>
    Flag,

    /// <summary>One of a few names such as <c>heavy_ball</c> or <c>ema</c> (searched with <c>choice:</c>).</summary>
    Choice,

    /// <summary>A pair or list of values, such as <c>betas</c> or <c>milestones</c> (searched with <c>choice:</c> of lists).</summary>
    Composite,
}

/// <summary>
/// How one kind of hyperparameter value is read from loose data (a state dict, YAML, a fixture), checked, and written
/// back as plain data (numbers, booleans, strings, lists). Errors name the owner and the key.
/// </summary>
internal abstract class HyperparameterType<T>
{
    public abstract HyperparameterKind Kind { get; }

    public virtual ValueRange? Range => null;

    public virtual IReadOnlyList<string> Choices => [];

    /// <summary>What a valid value is, as messages say it ("a number in [0, 1)").</summary>
    public abstract string Description { get; }

    /// <summary>True when null is a valid value (unset or "use the default behaviour").</summary>
    public virtual bool AllowsNull => false;

    public abstract T Parse(string owner, string key, object? value);

    /// <summary>Returns <paramref name="value"/> or throws when it is outside the declared range or choices.</summary>
    public virtual T Check(string owner, string key, T value) => value;

    /// <summary>True for the unset value of a required hyperparameter.</summary>
    public virtual bool IsMissing(T value) => false;

    public abstract object? ToPlain(T value);
}

internal sealed class NumberType(ValueRange range) : HyperparameterType<double>
{
    public override HyperparameterKind Kind => HyperparameterKind.Number;
    public override ValueRange Range => range;
    public override string Description => range == ValueRange.Any ? "a number" : $"a number {range.Description}";
    public override double Parse(string owner, string key, object? value) => OptionValues.ToDouble(owner, key, value);
    public override double Check(string owner, string key, double value) => range.Check(owner, key, value);
    public override object ToPlain(double value) => value;
}

internal sealed class IntegerType(ValueRange range) : HyperparameterType<int>
{
    public override HyperparameterKind Kind => HyperparameterKind.Integer;
    public override ValueRange Range => range;
    public override string Description => range == ValueRange.PositiveInteger ? range.Description : $"an integer {range.Description}";
    public override int Parse(string owner, string key, object? value) => OptionValues.ToInt(owner, key, value);
    public override int Check(string owner, string key, int value) => range.Check(owner, key, value);

    // State dicts and configuration files hold numbers as doubles.
    public override object ToPlain(int value) => (double)value;
}

internal sealed class FlagType : HyperparameterType<bool>
{
    public static FlagType Instance { get; } = new();
    public override HyperparameterKind Kind => HyperparameterKind.Flag;
    public override string Description => "true or false";
    public override bool Parse(string owner, string key, object? value) => OptionValues.ToBool(owner, key, value);
    public override object ToPlain(bool value) => value;
}

/// <summary>One of a few values, each written as a name (enums such as <see cref="MomentumStyle"/>, or plain strings).</summary>
internal sealed class ChoiceType<T>(IReadOnlyList<(T Value, string Name)> choices) : HyperparameterType<T>
{
    private readonly (T Value, string Name)[] _choices = [.. choices];

    public override HyperparameterKind Kind => HyperparameterKind.Choice;
    public override IReadOnlyList<string> Choices { get; } = choices.Select(c => c.Name).ToArray();
    public override string Description => OptionValues.Alternatives(Choices);

    public override T Parse(string owner, string key, object? value)
    {
        var text = OptionValues.ToText(owner, key, value);
        foreach (var (v, name) in _choices)
            if (name == text) return v;
        throw new ArgumentException($"{owner}: {key} must be {Description}, got {OptionValues.Describe(text)}.", key);
    }

    // Runs before every optimizer step: a plain loop, no allocation.
    public override T Check(string owner, string key, T value) => IndexOf(value) >= 0
        ? value : throw new ArgumentException($"{owner}: {key} must be {Description}, got {value}.", key);

    public override object? ToPlain(T value) => IndexOf(value) is >= 0 and var i ? _choices[i].Name : value?.ToString();

    private int IndexOf(T value)
    {
        for (int i = 0; i < _choices.Length; i++)
            if (EqualityComparer<T>.Default.Equals(_choices[i].Value, value)) return i;
        return -1;
    }
}

/// <summary>A value that may be null: unset (an error when <paramref name="required"/>) or "use the default behaviour".</summary>
internal sealed class NullableType<T>(HyperparameterType<T> inner, bool required) : HyperparameterType<T?> where T : struct
{
    public override HyperparameterKind Kind => inner.Kind;
    public override ValueRange? Range => inner.Range;
    public override IReadOnlyList<string> Choices => inner.Choices;
    public override string Description => required ? inner.Description : inner.Description + " or null";
    public override bool AllowsNull => !required;
    public override T? Parse(string owner, string key, object? value) => value is null ? null : inner.Parse(owner, key, value);
    public override T? Check(string owner, string key, T? value) => value is { } v ? inner.Check(owner, key, v) : null;
    public override bool IsMissing(T? value) => required && value is null;
    public override object? ToPlain(T? value) => value is { } v ? inner.ToPlain(v) : null;
}

/// <summary>Two numbers stored as one key, as PyTorch's <c>betas</c>; each component has its own name and range.</summary>
internal sealed class PairType(string firstKey, HyperparameterType<double> first, string secondKey, HyperparameterType<double> second)
    : HyperparameterType<(double First, double Second)>
{
    public override HyperparameterKind Kind => HyperparameterKind.Composite;

    public override string Description => first.Description == second.Description
        ? $"a pair [{firstKey}, {secondKey}], each {first.Description}"
        : $"a pair [{firstKey}, {secondKey}] ({firstKey} {first.Description}, {secondKey} {second.Description})";

    public override (double First, double Second) Parse(string owner, string key, object? value) => OptionValues.ToPair(owner, key, value);

    public override (double First, double Second) Check(string owner, string key, (double First, double Second) value) =>
        (first.Check(owner, firstKey, value.First), second.Check(owner, secondKey, value.Second));

    public override object ToPlain((double First, double Second) value) => new[] { value.First, value.Second };
}

/// <summary>A list of whole numbers (milestones), each in a range; null is unset.</summary>
internal sealed class IntegerListType(ValueRange element, bool required) : HyperparameterType<IReadOnlyList<int>?>
{
    public override HyperparameterKind Kind => HyperparameterKind.Composite;
    public override string Description => $"a list of integers {element.Description}";
    public override bool AllowsNull => !required;

    public override IReadOnlyList<int>? Parse(string owner, string key, object? value) =>
        value is null ? null : OptionValues.ToDoubles(owner, key, value).Select(d => OptionValues.ToInt(owner, key, d)).ToArray();

    public override IReadOnlyList<int>? Check(string owner, string key, IReadOnlyList<int>? value)
    {
        if (value is null) return null;
        foreach (int v in value) element.Check(owner, key, v);
        return value;
    }

    public override bool IsMissing(IReadOnlyList<int>? value) => required && value is null;
    public override object? ToPlain(IReadOnlyList<int>? value) => value?.ToArray();
}

/// <summary>One number or a list of numbers (PyTorch's "float or list", e.g. one min_lr per group); null is unset.</summary>
internal sealed class NumberOrListType(ValueRange element) : HyperparameterType<IReadOnlyList<double>?>
{
    public override HyperparameterKind Kind => HyperparameterKind.Composite;
    public override string Description => $"a number or a list of numbers {element.Description}";
    public override bool AllowsNull => true;

    public override IReadOnlyList<double>? Parse(string owner, string key, object? value) => value switch
    {
        null => null,
        System.Collections.IEnumerable and not string => OptionValues.ToDoubles(owner, key, value),
        _ => new OneNumber(OptionValues.ToDouble(owner, key, value)),
    };

    public override IReadOnlyList<double>? Check(string owner, string key, IReadOnlyList<double>? value)
    {
        if (value is null) return null;
        foreach (double v in value) element.Check(owner, key, v);
        return value;
    }

    // Written back in the form it was given: a number read as a number stays one.
    public override object? ToPlain(IReadOnlyList<double>? value) => value switch
    {
        null => null,
        OneNumber one => one.Value,
        _ => value.ToArray(),
    };

    /// <summary>A number given where a list is accepted (it applies to every item, as PyTorch broadcasts it).</summary>
    private sealed class OneNumber(double value) : IReadOnlyList<double>
    {
        public double Value => value;
        public int Count => 1;
        public double this[int index] => index == 0 ? value : throw new ArgumentOutOfRangeException(nameof(index));
        public IEnumerator<double> GetEnumerator() { yield return value; }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>A key PyTorch accepts that can only be null here (e.g. CyclicLR's scale_fn, a Python callable).</summary>
internal sealed class NullOnlyType(string hint) : HyperparameterType<object?>
{
    public override HyperparameterKind Kind => HyperparameterKind.Composite;
    public override string Description => $"null here ({hint})";
    public override bool AllowsNull => true;

    public override object? Parse(string owner, string key, object? value) => value is null ? null
        : throw new ArgumentException($"{owner}: {key} must be {Description}, got {OptionValues.Describe(value)}.", key);

    public override object? ToPlain(object? value) => null;
}
