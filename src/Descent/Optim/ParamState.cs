using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// An optimizer's long-lived state for one parameter (moment estimates, step count, …), created at the
/// parameter's first update outside any step scope. Subclasses list their entries under PyTorch's names.
/// </summary>
public abstract class ParamState
{
    /// <summary>Number of updates applied to this parameter (PyTorch's <c>step</c>).</summary>
    public long Step { get; internal set; }

    /// <summary>Writes this state under PyTorch's names; tensors are copied.</summary>
    internal abstract void Save(IDictionary<string, object?> into);

    /// <summary>Reads this state from a state dict entry (the reader validates names and shapes).</summary>
    internal abstract void Load(StateReader reader);

    /// <summary>A detached copy of a state tensor for a state dict (null stays null).</summary>
    internal static Tensor? Copy(Tensor? t) => t?.Detach().Clone();
}

/// <summary>
/// Reads one parameter's entry of a state dict, with messages naming the parameter ordinal, the entry and the
/// expected shape. Tensors are copied (and converted to the parameter's dtype), never aliased.
/// </summary>
internal sealed class StateReader
{
    private readonly IReadOnlyDictionary<string, object?> _entry;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public StateReader(string optimizer, int ordinal, Tensor param, IReadOnlyDictionary<string, object?> entry)
    {
        Optimizer = optimizer;
        Ordinal = ordinal;
        Param = param;
        _entry = entry;
    }

    public string Optimizer { get; }

    public int Ordinal { get; }

    public Tensor Param { get; }

    private string Where => $"{Optimizer}.LoadStateDict: state of parameter {Ordinal} (shape {Param.Shape})";

    /// <summary>A required tensor with the parameter's shape.</summary>
    public Tensor Tensor(string name) => TensorOrNull(name, required: true)!;

    /// <summary>A tensor with the parameter's shape, or null when the entry is null.</summary>
    public Tensor? TensorOrNull(string name, bool required = false)
    {
        var value = Get(name);
        if (value is null)
        {
            if (required) throw new ArgumentException($"{Where}: '{name}' is null; a tensor is required.");
            return null;
        }
        if (value is not Tensor t)
            throw new ArgumentException($"{Where}: '{name}' must be a tensor, got {OptionValues.Describe(value)}.");
        if (t.Shape != Param.Shape)
            throw new ArgumentException($"{Where}: '{name}' has shape {t.Shape}, expected {Param.Shape}.");
        if (!t.DType.IsFloatingPoint())
            throw new ArgumentException($"{Where}: '{name}' has dtype {t.DType.TorchName()}, expected a floating-point tensor.");
        using var persistent = StepScope.Suspend();
        var copy = Descent.Tensors.Tensor.Zeros(Param.Shape, Param.DType);
        return copy.CopyFrom(t);
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

    /// <summary>Throws when the entry holds names this optimizer does not know.</summary>
    public void EnsureAllUsed()
    {
        foreach (var key in _entry.Keys)
            if (!_used.Contains(key))
                throw new ArgumentException($"{Where}: unexpected entry '{key}' (expected: {string.Join(", ", _used)}).");
    }

    private object? Get(string name)
    {
        _used.Add(name);
        if (!_entry.TryGetValue(name, out var value))
            throw new ArgumentException($"{Where}: missing '{name}' (entries: {string.Join(", ", _entry.Keys)}).");
        return value;
    }
}
