using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// Reads one parameter's entry of a state dict for <see cref="ParamState.Load"/>, with messages naming the optimizer,
/// the parameter ordinal, the entry and the expected shape. Tensors are copied (and converted to the parameter's
/// dtype), never aliased, and allocated outside any step scope. Entries the state does not read are rejected after
/// <see cref="ParamState.Load"/> returns.
/// </summary>
public sealed class StateReader
{
    private readonly IReadOnlyDictionary<string, object?> _entry;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    internal StateReader(string optimizer, int ordinal, Tensor param, IReadOnlyDictionary<string, object?> entry)
    {
        Optimizer = optimizer;
        Ordinal = ordinal;
        Param = param;
        _entry = entry;
    }

    /// <summary>PyTorch's name of the optimizer loading the state (used in messages).</summary>
    public string Optimizer { get; }

    /// <summary>Ordinal of the parameter among all of the optimizer's parameters.</summary>
    public int Ordinal { get; }

    /// <summary>The parameter whose state is read (its shape and dtype are what tensors are checked against).</summary>
    public Tensor Param { get; }

    private string Where => $"{Optimizer}.LoadStateDict: state of parameter {Ordinal} (shape {Param.Shape})";

    /// <summary>A required tensor with the parameter's shape, or with <paramref name="shape"/> when given.</summary>
    public Tensor Tensor(string name, Shape? shape = null) => Read(name, shape, required: true)!;

    /// <summary>A tensor with the parameter's shape (or <paramref name="shape"/>), or null when the entry is null.</summary>
    public Tensor? TensorOrNull(string name, Shape? shape = null) => Read(name, shape, required: false);

    /// <summary>
    /// A stack of tensors shaped like the parameter, [k, ...parameter shape] for any k ≥ 1 (a population of candidate
    /// values), or null when the entry is null.
    /// </summary>
    public Tensor? StackOrNull(string name)
    {
        if (Get(name) is Tensor t && t.Rank == Param.Rank + 1 && t.Shape[0] >= 1)
            return Read(name, new Shape([t.Shape[0], .. Param.Shape.ToArray()]), required: false);
        return Read(name, new Shape([1, .. Param.Shape.ToArray()]), required: false);
    }

    /// <summary>A required number.</summary>
    public double Number(string name)
    {
        var value = Get(name);
        try
        {
            return OptionValues.ToDouble(Optimizer, name, value);
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"{Where}: '{name}' must be a number, got {OptionValues.Describe(value)}.");
        }
    }

    /// <summary>The step count (a non-negative whole number).</summary>
    public long StepCount(string name = "step")
    {
        double d = Number(name);
        if (d < 0 || d != Math.Floor(d) || d > long.MaxValue)
            throw new ArgumentException($"{Where}: '{name}' must be a non-negative whole number, got {d}.");
        return (long)d;
    }

    /// <summary>True when the entry has <paramref name="name"/> (for optional entries such as <c>max_exp_avg_sq</c>).</summary>
    public bool HasEntry(string name)
    {
        _used.Add(name);
        return _entry.ContainsKey(name);
    }

    /// <summary>Throws when the entry holds names the state did not read.</summary>
    internal void EnsureAllUsed()
    {
        foreach (var key in _entry.Keys)
            if (!_used.Contains(key))
                throw new ArgumentException($"{Where}: unexpected entry '{key}' (expected: {string.Join(", ", _used)}).");
    }

    private Tensor? Read(string name, Shape? shape, bool required)
    {
        var expected = shape ?? Param.Shape;
        var value = Get(name);
        if (value is null)
        {
            if (required) throw new ArgumentException($"{Where}: '{name}' is null; a tensor is required.");
            return null;
        }
        if (value is not Tensor t)
            throw new ArgumentException($"{Where}: '{name}' must be a tensor, got {OptionValues.Describe(value)}.");
        if (t.Shape != expected)
            throw new ArgumentException($"{Where}: '{name}' has shape {t.Shape}, expected {expected}.");
        if (!t.DType.IsFloatingPoint())
            throw new ArgumentException($"{Where}: '{name}' has dtype {t.DType.TorchName()}, expected a floating-point tensor.");
        using var persistent = StepScope.Suspend();
        var copy = Descent.Tensors.Tensor.Zeros(expected, Param.DType);
        return copy.CopyFrom(t);
    }

    private object? Get(string name)
    {
        _used.Add(name);
        if (!_entry.TryGetValue(name, out var value))
            throw new ArgumentException($"{Where}: missing '{name}' (entries: {string.Join(", ", _entry.Keys)}).");
        return value;
    }
}
