namespace Descent.Optim;

/// <summary>
/// Hyperparameters of one parameter group, typed per optimizer (<see cref="AdamOptions"/>, <see cref="SgdOptions"/>, …)
/// with PyTorch's defaults. Setters validate and name the argument and its allowed range. Options are records, so a
/// group can override a few values of the defaults: <c>opt.AddParamGroup(head, opt.Defaults with { Lr = 0.1 })</c>.
/// They can also be read and written by PyTorch name (<see cref="ToDictionary"/>, <see cref="Set"/>), which is how
/// state dicts and configuration files store them.
/// </summary>
public abstract record OptimizerOptions
{
    private double _lr;
    private double _weightDecay;

    /// <summary>Sets the common hyperparameters (validated).</summary>
    protected OptimizerOptions(double lr, double weightDecay)
    {
        Lr = lr;
        WeightDecay = weightDecay;
    }

    /// <summary>PyTorch's name of the optimizer these options belong to (used in messages).</summary>
    public abstract string OptimizerName { get; }

    /// <summary>Learning rate (≥ 0). Schedulers write it every step.</summary>
    public double Lr
    {
        get => _lr;
        set => _lr = OptionChecks.NonNegative(OptimizerName, "lr", value);
    }

    /// <summary>
    /// Weight decay (≥ 0): added to the gradient as wd·θ (coupled L2) by every optimizer except AdamW, which
    /// multiplies θ by (1 − lr·wd) instead (decoupled). See docs/optimizers.md.
    /// </summary>
    public double WeightDecay
    {
        get => _weightDecay;
        set => _weightDecay = OptionChecks.NonNegative(OptimizerName, "weight_decay", value);
    }

    /// <summary>
    /// True when the optimizer has a momentum-like hyperparameter that momentum-cycling schedules (OneCycleLR,
    /// CyclicLR) may write: SGD/RMSprop <c>momentum</c>, or β₁ of the Adam family (as PyTorch cycles <c>betas[0]</c>).
    /// </summary>
    public virtual bool HasMomentum => false;

    /// <summary>The momentum-like hyperparameter (see <see cref="HasMomentum"/>).</summary>
    public virtual double Momentum
    {
        get => throw new InvalidOperationException($"{OptimizerName} has no momentum or beta1 hyperparameter.");
        set => throw new InvalidOperationException($"{OptimizerName} has no momentum or beta1 hyperparameter.");
    }

    /// <summary>The hyperparameters by PyTorch name (<c>lr</c>, <c>betas</c>, <c>weight_decay</c>, …).</summary>
    public IReadOnlyDictionary<string, object> ToDictionary()
    {
        var d = new Dictionary<string, object>(StringComparer.Ordinal);
        Write(d);
        return d;
    }

    /// <summary>The PyTorch names this optimizer accepts in <see cref="Set"/>.</summary>
    public IReadOnlyList<string> Names => [.. ToDictionary().Keys];

    /// <summary>
    /// Sets a hyperparameter by its PyTorch name, converting the value (numbers, booleans, strings, lists for
    /// <c>betas</c>). Throws <see cref="ArgumentException"/> for an unknown name or an unsuitable value.
    /// </summary>
    public void Set(string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!TrySet(name, value))
            throw new ArgumentException(
                $"{OptimizerName}: unknown hyperparameter '{name}' (known: {string.Join(", ", Names)}).", nameof(name));
    }

    /// <summary>
    /// Checks constraints between hyperparameters (e.g. Nesterov needs momentum and no dampening). Called when a
    /// group is added, loaded, and before each step, so changes made after construction are checked too.
    /// </summary>
    public virtual void Validate()
    {
    }

    /// <summary>Writes every hyperparameter under its PyTorch name.</summary>
    protected virtual void Write(IDictionary<string, object> into)
    {
        into["lr"] = Lr;
        into["weight_decay"] = WeightDecay;
    }

    /// <summary>Sets one hyperparameter by PyTorch name; false when the name is unknown.</summary>
    protected virtual bool TrySet(string name, object? value)
    {
        switch (name)
        {
            case "lr": Lr = OptionValues.ToDouble(OptimizerName, name, value); return true;
            case "weight_decay": WeightDecay = OptionValues.ToDouble(OptimizerName, name, value); return true;
            default: return false;
        }
    }

    /// <summary>Prints the hyperparameters by PyTorch name (the momentum accessors are not printed: they throw
    /// for optimizers without momentum).</summary>
    protected virtual bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("lr = ").Append(Lr.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        builder.Append(", weight_decay = ").Append(WeightDecay.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>Reads a number for <see cref="TrySet"/>.</summary>
    protected double Number(string name, object? value) => OptionValues.ToDouble(OptimizerName, name, value);

    /// <summary>Reads a boolean for <see cref="TrySet"/>.</summary>
    protected bool Flag(string name, object? value) => OptionValues.ToBool(OptimizerName, name, value);

    /// <summary>Reads a pair of numbers (<c>betas</c>) for <see cref="TrySet"/>.</summary>
    protected (double, double) Pair(string name, object? value) => OptionValues.ToPair(OptimizerName, name, value);
}
