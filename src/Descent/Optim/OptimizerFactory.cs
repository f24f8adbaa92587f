using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// Builds optimizers from PyTorch's class name and hyperparameters by PyTorch name (configuration files, the CLI,
/// fixtures). Unknown optimizers and unknown hyperparameters are errors, never silently ignored.
/// </summary>
public static class OptimizerFactory
{
    /// <summary>The optimizer names understood (matched case-insensitively).</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Adadelta", "GradientDescent"];

    /// <summary>Default options of optimizer <paramref name="name"/> with <paramref name="hyperparameters"/> applied.</summary>
    public static OptimizerOptions CreateOptions(string name, IReadOnlyDictionary<string, object?>? hyperparameters = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        OptimizerOptions options = name.ToLowerInvariant() switch
        {
            "sgd" => new SgdOptions(),
            "adagrad" => new AdagradOptions(),
            "rmsprop" => new RmsPropOptions(),
            "adam" => new AdamOptions(),
            "adamw" => new AdamWOptions(),
            "adamax" => new AdamaxOptions(),
            "nadam" => new NAdamOptions(),
            "radam" => new RAdamOptions(),
            "adadelta" => new AdadeltaOptions(),
            "gradientdescent" or "gd" => new GradientDescentOptions(),
            _ => throw new ArgumentException($"Unknown optimizer '{name}' (known: {string.Join(", ", Names)}).", nameof(name)),
        };
        if (hyperparameters is not null)
            foreach (var (key, value) in hyperparameters)
                options.Set(key, value);
        options.Validate();
        return options;
    }

    /// <summary>Creates optimizer <paramref name="name"/> over <paramref name="parameters"/>.</summary>
    public static Optimizer Create(string name, IEnumerable<Tensor> parameters, IReadOnlyDictionary<string, object?>? hyperparameters = null) =>
        Create(parameters, CreateOptions(name, hyperparameters));

    /// <summary>Creates the optimizer that <paramref name="options"/> belong to.</summary>
    public static Optimizer Create(IEnumerable<Tensor> parameters, OptimizerOptions options) => options switch
    {
        SgdOptions o => new Sgd(parameters, o),
        AdagradOptions o => new Adagrad(parameters, o),
        RmsPropOptions o => new RmsProp(parameters, o),
        AdamOptions o => new Adam(parameters, o),
        AdamWOptions o => new AdamW(parameters, o),
        AdamaxOptions o => new Adamax(parameters, o),
        NAdamOptions o => new NAdam(parameters, o),
        RAdamOptions o => new RAdam(parameters, o),
        AdadeltaOptions o => new Adadelta(parameters, o),
        GradientDescentOptions o => new GradientDescent(parameters, o),
        null => throw new ArgumentNullException(nameof(options)),
        _ => throw new ArgumentException($"No optimizer for options of type {options.GetType().Name}.", nameof(options)),
    };
}
