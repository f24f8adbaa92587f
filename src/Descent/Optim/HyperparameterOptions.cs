using System.Text;

namespace Descent.Optim;

/// <summary>
/// A record of hyperparameters (an optimizer's or a schedule's options) whose keys, checks and conversions are declared
/// once in <see cref="Hyperparameters"/>. From that list it derives reading and writing by name (<see cref="Set"/>,
/// <see cref="ToDictionary"/>), validation and printing, for the built-in records and for records declared outside this
/// library alike. Properties are typed for code (<c>options.Lr = 0.01</c>); names are for state dicts and files.
/// </summary>
public abstract record HyperparameterOptions
{
    // Keys assigned through Set, in order: what a configuration file gave (schedules write back only those).
    // Not part of the record's value (see Equals).
    private string[] _given = [];

    /// <summary>The name messages start with ("Adam", "StepLR").</summary>
    protected internal abstract string OwnerName { get; }

    /// <summary>The declared hyperparameters, in PyTorch's order.</summary>
    public abstract HyperparameterSet Hyperparameters { get; }

    /// <summary>The keys <see cref="Set"/> accepts, in order.</summary>
    public IReadOnlyList<string> Names => Hyperparameters.Keys;

    /// <summary>The keys assigned through <see cref="Set"/> so far (what a configuration file gave), in order.</summary>
    public IReadOnlyList<string> GivenNames => _given;

    /// <summary>Every hyperparameter by key, in declaration order, as plain data (numbers as double, lists as arrays).</summary>
    public IReadOnlyDictionary<string, object?> ToDictionary() => ValuesOf(Names);

    /// <summary>The hyperparameters named in <see cref="GivenNames"/>, by key, as plain data.</summary>
    public IReadOnlyDictionary<string, object?> GivenToDictionary() => ValuesOf(_given);

    /// <summary>
    /// Sets a hyperparameter by key, converting loose values (numbers, booleans, strings, lists for pairs) and validating
    /// them. Throws <see cref="ArgumentException"/> for an unknown key or an unsuitable value.
    /// </summary>
    public void Set(string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        var declaration = Hyperparameters.Find(name) ?? throw new ArgumentException(
            $"{OwnerName}: unknown hyperparameter '{name}' (known: {string.Join(", ", Names)}).", nameof(name));
        declaration.SetValue(this, value);
        if (!_given.Contains(name, StringComparer.Ordinal)) _given = [.. _given, name];
    }

    /// <summary>
    /// Checks every declared value (ranges, required values) and then the constraints between hyperparameters. Optimizers
    /// call it when a group is added, loaded, and before each step, so changes made after construction are checked too.
    /// </summary>
    public virtual void Validate()
    {
        var declarations = Hyperparameters;
        for (int i = 0; i < declarations.Count; i++) declarations[i].Validate(this);
    }

    /// <summary>The record's type and its hyperparameters by key: <c>AdamOptions { lr = 0.001, betas = [0.9, 0.999], … }</c>.</summary>
    public sealed override string ToString()
    {
        var sb = new StringBuilder(GetType().Name).Append(" { ");
        bool first = true;
        foreach (var (key, value) in ToDictionary())
        {
            if (!first) sb.Append(", ");
            sb.Append(key).Append(" = ").Append(OptionValues.Format(value));
            first = false;
        }
        return sb.Append(first ? "}" : " }").ToString();
    }

    /// <summary>Equal when of the same type with equal hyperparameters (which keys were given does not count).</summary>
    public virtual bool Equals(HyperparameterOptions? other) =>
        ReferenceEquals(this, other) || (other is not null && EqualityContract == other.EqualityContract);

    /// <inheritdoc/>
    public override int GetHashCode() => EqualityContract.GetHashCode();

    private Dictionary<string, object?> ValuesOf(IEnumerable<string> keys)
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var key in keys) d[key] = Hyperparameters.Find(key)!.GetValue(this);
        return d;
    }
}
