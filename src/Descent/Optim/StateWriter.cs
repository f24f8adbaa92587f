using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// Writes one parameter's entry of a state dict for <see cref="ParamState.Save"/>, under PyTorch's names. Tensors are
/// detached copies allocated outside any step scope, so a state dict never aliases the live state and outlives the
/// step it was taken in. Values are what <see cref="OptimizerStateDict"/> holds: tensors, numbers or null.
/// </summary>
public sealed class StateWriter
{
    private readonly string _optimizer;
    private readonly int _ordinal;
    private readonly Dictionary<string, object?> _entry;

    internal StateWriter(string optimizer, int ordinal, Dictionary<string, object?> entry)
    {
        _optimizer = optimizer;
        _ordinal = ordinal;
        _entry = entry;
    }

    /// <summary>Writes a copy of <paramref name="value"/> (null is written as null, e.g. an absent momentum buffer).</summary>
    public void Tensor(string name, Tensor? value)
    {
        if (value is null)
        {
            Put(name, null);
            return;
        }
        using var persistent = StepScope.Suspend();
        Put(name, value.Detach().Clone());
    }

    /// <summary>Writes a number (stored as double).</summary>
    public void Number(string name, double value) => Put(name, value);

    /// <summary>Writes a step count (stored as double, as PyTorch stores <c>step</c>).</summary>
    public void StepCount(long value, string name = "step") => Put(name, (double)value);

    private void Put(string name, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_entry.TryAdd(name, value))
            throw new InvalidOperationException(
                $"{_optimizer}.StateDict: state of parameter {_ordinal} writes '{name}' twice.");
    }
}
