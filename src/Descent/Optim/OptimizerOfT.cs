using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// An optimizer with typed options <typeparamref name="TOptions"/> and per-parameter state
/// <typeparamref name="TState"/>. Subclasses implement <see cref="CreateState"/> and <see cref="Update"/>.
/// </summary>
/// <typeparam name="TOptions">The hyperparameter record.</typeparam>
/// <typeparam name="TState">The per-parameter state.</typeparam>
public abstract class Optimizer<TOptions, TState> : Optimizer
    where TOptions : OptimizerOptions
    where TState : ParamState
{
    private readonly List<TState?> _state = [];

    /// <summary>Creates the optimizer over one group of <paramref name="parameters"/> with <paramref name="defaults"/>.</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, TOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        defaults.Validate();
        Defaults = defaults with { };
        var list = CheckNewParams(parameters);
        if (list.Length == 0)
            throw new ArgumentException($"{Name}: optimizer got an empty parameter list.", nameof(parameters));
        AddGroup(list, Defaults with { });
    }

    /// <summary>The options new groups start from.</summary>
    public TOptions Defaults { get; }

    /// <summary>The parameter groups with typed options.</summary>
    public IReadOnlyList<ParamGroup<TOptions>> TypedParamGroups => Groups.Cast<ParamGroup<TOptions>>().ToArray();

    /// <summary>The parameter group at <paramref name="index"/>, typed.</summary>
    public ParamGroup<TOptions> Group(int index) => (ParamGroup<TOptions>)Groups[index];

    /// <summary>The state of <paramref name="param"/>, or null before its first update.</summary>
    public TState? GetState(Tensor param)
    {
        if (!Ordinals.TryGetValue(param, out int ordinal))
            throw new ArgumentException($"{Name}.GetState: the tensor is not one of this optimizer's parameters.", nameof(param));
        return _state[ordinal];
    }

    /// <inheritdoc/>
    public override void AddParamGroup(IEnumerable<Tensor> parameters, OptimizerOptions? options = null)
    {
        if (options is not null and not TOptions)
            throw new ArgumentException($"{Name}.AddParamGroup: options must be {typeof(TOptions).Name}, got {options.GetType().Name}.", nameof(options));
        AddParamGroup(parameters, (TOptions?)options);
    }

    /// <summary>Adds a group over <paramref name="parameters"/> with <paramref name="options"/> (a copy of the defaults when null).</summary>
    public void AddParamGroup(IEnumerable<Tensor> parameters, TOptions? options)
    {
        var list = CheckNewParams(parameters);
        var copy = (options ?? Defaults) with { };
        copy.Validate();
        AddGroup(list, copy);
    }

    /// <summary>
    /// The state of the parameter with <paramref name="ordinal"/>, created (with its group's options) at first use: for
    /// optimizers that update every parameter together rather than one by one (the gradient-free ones).
    /// </summary>
    protected TState StateAt(int ordinal)
    {
        if (_state[ordinal] is { } existing) return existing;
        var group = Groups.Last(g => g.FirstOrdinal <= ordinal);
        using var persistent = StepScope.Suspend();
        return _state[ordinal] = CreateState(AllParams[ordinal], (TOptions)group.Options);
    }

    /// <summary>Creates a parameter's state at its first update (allocated outside any step scope).</summary>
    protected abstract TState CreateState(Tensor param, TOptions options);

    /// <summary>Creates an empty state to be filled from a state dict.</summary>
    protected abstract TState CreateEmptyState(Tensor param);

    /// <summary>Applies one update of <paramref name="param"/> with gradient <paramref name="grad"/> (same shape and dtype).</summary>
    protected abstract void Update(Tensor param, Tensor grad, TState state, TOptions options);

    /// <summary>Creates the parameter's state at its first update, then calls <see cref="Update"/> with the group's options.</summary>
    protected sealed override void StepParameter(ParamGroup group, int ordinal, Tensor param, Tensor grad)
    {
        var options = (TOptions)group.Options;
        var state = _state[ordinal] ??= CreateState(param, options);
        Update(param, grad, state, options);
    }

    /// <inheritdoc/>
    public override OptimizerStateDict StateDict()
    {
        using var persistent = StepScope.Suspend();
        var dict = new OptimizerStateDict { Optimizer = Name };
        for (int i = 0; i < _state.Count; i++)
        {
            if (_state[i] is not { } s) continue;
            var entry = new Dictionary<string, object?>(StringComparer.Ordinal);
            s.Save(new StateWriter(Name, i, entry));
            dict.State[i] = entry;
        }
        foreach (var group in Groups)
        {
            var entry = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (k, v) in group.Options.ToDictionary())
                entry[k] = v is double[] a ? a.Clone() : v;
            if (group.InitialLr is double initial) entry["initial_lr"] = initial;
            var ordinals = new int[group.Params.Count];
            for (int i = 0; i < ordinals.Length; i++) ordinals[i] = group.FirstOrdinal + i;
            entry["params"] = ordinals;
            dict.ParamGroups.Add(entry);
        }
        return dict;
    }

    /// <inheritdoc/>
    public override void LoadStateDict(OptimizerStateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        string where = $"{Name}.LoadStateDict";
        if (stateDict.Optimizer != Name)
            throw new ArgumentException($"{where}: the state dict was saved by {stateDict.Optimizer}, not {Name}.", nameof(stateDict));
        if (stateDict.ParamGroups.Count != Groups.Count)
            throw new ArgumentException($"{where}: the state dict has {stateDict.ParamGroups.Count} parameter groups, this optimizer has {Groups.Count}.", nameof(stateDict));

        // Build everything first; commit only when all of it is valid.
        var options = new TOptions[Groups.Count];
        var initialLrs = new double?[Groups.Count];
        for (int g = 0; g < Groups.Count; g++)
        {
            var saved = stateDict.ParamGroups[g];
            if (!saved.TryGetValue("params", out var ps) || ps is null)
                throw new ArgumentException($"{where}: parameter group {g} has no 'params' list.", nameof(stateDict));
            int count = OptionValues.ToDoubles(Name, "params", ps).Length;
            if (count != Groups[g].Params.Count)
                throw new ArgumentException($"{where}: parameter group {g} of the state dict has {count} parameters, this optimizer's has {Groups[g].Params.Count}.", nameof(stateDict));
            var o = Defaults with { };
            foreach (var (key, value) in saved)
            {
                if (key == "params") continue;
                if (key == "initial_lr") { initialLrs[g] = OptionValues.ToDouble(Name, key, value); continue; }
                o.Set(key, value);
            }
            o.Validate();
            options[g] = o;
        }
        var state = new TState?[AllParams.Count];
        foreach (var (ordinal, entry) in stateDict.State)
        {
            if (ordinal < 0 || ordinal >= AllParams.Count)
                throw new ArgumentException($"{where}: state for parameter {ordinal}, but this optimizer has {AllParams.Count} parameters.", nameof(stateDict));
            var reader = new StateReader(Name, ordinal, AllParams[ordinal], entry);
            var s = CreateEmptyState(AllParams[ordinal]);
            s.Load(reader);
            reader.EnsureAllUsed();
            state[ordinal] = s;
        }

        for (int g = 0; g < Groups.Count; g++)
        {
            Groups[g].Options = options[g];
            Groups[g].InitialLr = initialLrs[g];
        }
        for (int i = 0; i < state.Length; i++) _state[i] = state[i];
    }

    private void AddGroup(Tensor[] list, TOptions options)
    {
        var group = new ParamGroup<TOptions>(list, options, AllParams.Count);
        Register(group);
        foreach (var _ in list) _state.Add(null);
    }

    /// <summary>Allocates a zero tensor shaped like <paramref name="param"/> (callers run outside any step scope).</summary>
    protected static Tensor ZerosLike(Tensor param) => Tensor.Zeros(param.Shape, param.DType);

    /// <summary>The elements of an optional state tensor (empty when absent).</summary>
    protected static Span<T> SpanOf<T>(Tensor? t) where T : unmanaged => t is null ? default : t.Span<T>();
}
