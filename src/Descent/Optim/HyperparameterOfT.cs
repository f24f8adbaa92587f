namespace Descent.Optim;

/// <summary>
/// A <see cref="Hyperparameter"/> of options record <typeparamref name="TOwner"/> with values of type
/// <typeparamref name="T"/>. A record's property setter can call <see cref="Check"/> so that typed assignments
/// (<c>options.Lr = -1</c>) are validated by the same declaration as assignments by name.
/// </summary>
/// <typeparam name="TOwner">The options record (or a base record shared by several optimizers).</typeparam>
/// <typeparam name="T">The property's type.</typeparam>
public sealed class Hyperparameter<TOwner, T> : Hyperparameter where TOwner : HyperparameterOptions
{
    private readonly Func<TOwner, T> _get;
    private readonly Action<TOwner, T> _set;

    internal Hyperparameter(string key, Func<TOwner, T> get, Action<TOwner, T> set, HyperparameterType<T> type)
        : base(key, typeof(TOwner))
    {
        _get = get ?? throw new ArgumentNullException(nameof(get));
        _set = set ?? throw new ArgumentNullException(nameof(set));
        Type = type;
    }

    internal HyperparameterType<T> Type { get; }

    /// <inheritdoc/>
    public override HyperparameterKind Kind => Type.Kind;

    /// <inheritdoc/>
    public override ValueRange? Range => Type.Range;

    /// <inheritdoc/>
    public override IReadOnlyList<string> Choices => Type.Choices;

    /// <inheritdoc/>
    public override bool AllowsNull => Type.AllowsNull;

    /// <inheritdoc/>
    public override string Description => Type.Description;

    /// <summary>The typed value of <paramref name="owner"/>.</summary>
    public T Get(TOwner owner) => _get(owner);

    /// <summary>Validates <paramref name="value"/> and stores it in <paramref name="owner"/>.</summary>
    public void Set(TOwner owner, T value) => _set(owner, Check(owner, value));

    /// <summary>Returns <paramref name="value"/>, or throws an error naming <paramref name="owner"/>, the key and the allowed values.</summary>
    public T Check(TOwner owner, T value) => Type.Check(owner.OwnerName, Key, value);

    /// <inheritdoc/>
    public override object? GetValue(HyperparameterOptions owner) => Type.ToPlain(_get(Cast(owner)));

    /// <inheritdoc/>
    public override void SetValue(HyperparameterOptions owner, object? value)
    {
        var typed = Cast(owner);
        _set(typed, Type.Check(owner.OwnerName, Key, Type.Parse(owner.OwnerName, Key, value)));
    }

    /// <inheritdoc/>
    public override void Validate(HyperparameterOptions owner)
    {
        var value = _get(Cast(owner));
        if (Type.IsMissing(value))
            throw new ArgumentException($"{owner.OwnerName}: missing required hyperparameter '{Key}'.");
        Type.Check(owner.OwnerName, Key, value);
    }

    private TOwner Cast(HyperparameterOptions owner) => owner as TOwner
        ?? throw new ArgumentException($"The hyperparameter '{Key}' belongs to {typeof(TOwner).Name}, not to {owner?.GetType().Name ?? "null"}.", nameof(owner));
}
