namespace Descent.Tuning;

/// <summary>
/// A finite set of choices (string, double, long, bool or null; other integral types are stored as
/// long and float as double). The internal representation is the choice index (Optuna's
/// <c>CategoricalDistribution</c>).
/// </summary>
public sealed record CategoricalDistribution : Distribution
{
    private readonly object?[] _choices;

    /// <summary>Creates the distribution.</summary>
    /// <exception cref="ArgumentException">No choices, an unsupported choice type, or a duplicate choice.</exception>
    public CategoricalDistribution(IEnumerable<object?> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var list = new List<object?>();
        foreach (var c in choices)
        {
            object? n = NormalizeChoice(c);
            foreach (var existing in list)
                if (Equals(existing, n)) throw new ArgumentException($"duplicate choice {AttrValues.Format(n)}");
            list.Add(n);
        }
        if (list.Count == 0) throw new ArgumentException("choices must not be empty");
        _choices = list.ToArray();
    }

    /// <summary>The normalized choices, in order.</summary>
    public IReadOnlyList<object?> Choices => _choices;

    /// <inheritdoc />
    public override bool IsSingle => _choices.Length == 1;

    /// <summary>Normalizes one choice, or throws for a type a storage could not persist.</summary>
    public static object? NormalizeChoice(object? choice) => choice switch
    {
        null or string or bool => choice,
        double or float or decimal or long or int or short or byte or sbyte or ushort or uint => AttrValues.Normalize(choice),
        Enum e => e.ToString(),
        _ => throw new ArgumentException(
            $"categorical choices must be string, double, long, bool or null; got {choice.GetType().Name}"),
    };

    /// <summary>Index of <paramref name="choice"/>, or −1 when it is not a choice.</summary>
    public int IndexOf(object? choice)
    {
        object? n = NormalizeChoice(choice);
        for (int i = 0; i < _choices.Length; i++)
            if (Equals(_choices[i], n)) return i;
        return -1;
    }

    /// <inheritdoc />
    public override double ToInternal(object? externalValue)
    {
        int i = IndexOf(externalValue);
        if (i < 0) throw new ArgumentException($"{AttrValues.Format(NormalizeChoice(externalValue))} is not one of the choices {this}");
        return i;
    }

    /// <inheritdoc />
    public override object? ToExternal(double internalValue) => _choices[(int)internalValue];

    /// <inheritdoc />
    public override bool Contains(double internalValue) =>
        internalValue >= 0 && internalValue < _choices.Length && internalValue == Math.Floor(internalValue);

    /// <inheritdoc />
    public override double SingleInternalValue() =>
        IsSingle ? 0 : throw new InvalidOperationException("the distribution is not single");

    /// <inheritdoc />
    public bool Equals(CategoricalDistribution? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (other._choices.Length != _choices.Length) return false;
        for (int i = 0; i < _choices.Length; i++)
            if (!Equals(_choices[i], other._choices[i])) return false;
        return true;
    }

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var c in _choices) h.Add(c);
        return h.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => "CategoricalDistribution(choices=[" + string.Join(", ", _choices.Select(AttrValues.Format)) + "])";
}
