namespace Descent.Optim;

/// <summary>
/// Everything needed to resume an optimizer, as plain data: PyTorch's <c>{"state": {ordinal: {name: value}},
/// "param_groups": [{hyperparameter: value, "params": [ordinals]}]}</c>. Values are tensors (copies, not the live
/// state), numbers (double), booleans, strings, number lists (<c>betas</c>) or null, so a checkpoint writer can put
/// the tensors in a safetensors file and the rest in JSON.
/// </summary>
public sealed class OptimizerStateDict
{
    /// <summary>PyTorch's name of the optimizer that produced it (checked on load).</summary>
    public required string Optimizer { get; init; }

    /// <summary>Per-parameter state keyed by parameter ordinal (parameters never stepped have no entry).</summary>
    public Dictionary<int, Dictionary<string, object?>> State { get; init; } = [];

    /// <summary>Each group's hyperparameters by PyTorch name, plus <c>params</c> (int[] of ordinals) and, when a
    /// scheduler set it, <c>initial_lr</c>.</summary>
    public List<Dictionary<string, object?>> ParamGroups { get; init; } = [];
}
