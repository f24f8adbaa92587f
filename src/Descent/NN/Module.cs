using System.Text;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.NN;

/// <summary>
/// Base of every layer and model (PyTorch's <c>nn.Module</c>). Parameters, buffers and children are
/// registered explicitly in constructors, so their order — and therefore state-dict order and optimizer
/// ordinals — is deterministic; no reflection. Parameters are leaf tensors with RequiresGrad.
/// </summary>
public abstract partial class Module
{
    private readonly List<Slot> _parameters = [];
    private readonly List<Slot> _buffers = [];
    private readonly List<(string Name, Module Module)> _children = [];

    /// <summary>True in training mode (the default); affects dropout and batch norm.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Short type name used in summaries and messages (e.g. "Linear").</summary>
    public virtual string TypeName => GetType().Name;

    /// <summary>Runs the module on one input tensor.</summary>
    public abstract Tensor Forward(Tensor input);

    [ThreadStatic] private static Action<Module, Tensor>? _forwardObserver;

    /// <summary>
    /// Runs <see cref="Forward"/> (PyTorch's <c>module(x)</c>). Containers call their children through this,
    /// which lets tools such as <see cref="Summary(int[])"/> observe every layer's output.
    /// </summary>
    public Tensor Call(Tensor input)
    {
        var output = Forward(input);
        _forwardObserver?.Invoke(this, output);
        return output;
    }

    [ThreadStatic] private static bool _secondaryReplica;

    /// <summary>
    /// True on a thread running a data-parallel replica other than the first (see <c>TrainerOptions.DataParallel</c>):
    /// modules must leave their buffers alone there (BatchNorm keeps its running statistics), because, as with
    /// PyTorch's DataParallel, only the first replica's buffer updates are kept.
    /// </summary>
    internal static bool InSecondaryReplica => _secondaryReplica;

    /// <summary>Marks this thread as running a secondary replica until the handle is disposed.</summary>
    internal static SecondaryReplicaScope EnterSecondaryReplica()
    {
        var scope = new SecondaryReplicaScope(_secondaryReplica);
        _secondaryReplica = true;
        return scope;
    }

    /// <summary>Restores the thread's previous replica flag when disposed.</summary>
    internal readonly struct SecondaryReplicaScope(bool previous) : IDisposable
    {
        /// <summary>Restores the flag.</summary>
        public void Dispose() => _secondaryReplica = previous;
    }

    /// <summary>Observes every <see cref="Call"/> on this thread until the handle is disposed.</summary>
    internal static IDisposable ObserveForward(Action<Module, Tensor> observer)
    {
        var previous = _forwardObserver;
        _forwardObserver = observer;
        return new Restore(() => _forwardObserver = previous);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    /// <summary>Number of parameter elements registered directly on this module (children excluded).</summary>
    public long OwnParameterCount => _parameters.Sum(p => (long)p.Value.Numel);

    /// <summary>Registers a trainable parameter (made a leaf requiring grad) and returns it.</summary>
    protected Tensor RegisterParameter(string name, Tensor value)
    {
        CheckName(name);
        value = LongLived(value);
        if (!value.IsLeaf) value = value.Detach();
        value.RequiresGrad = true;
        value.Name = name;
        _parameters.Add(new Slot(name, value, true));
        return value;
    }

    /// <summary>Registers a state tensor that is not trained (e.g. running statistics); persistent ones go into the state dict.</summary>
    protected Tensor RegisterBuffer(string name, Tensor value, bool persistent = true)
    {
        CheckName(name);
        value = LongLived(value);
        value.Name = name;
        _buffers.Add(new Slot(name, value, persistent));
        return value;
    }

    /// <summary>Registers a child module under <paramref name="name"/> and returns it.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(module);
        _children.Add((name, module));
        Rejoin(module);
        return module;
    }

    /// <summary>Direct children in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children;

    /// <summary>This module and all descendants with dotted names ("" for this one).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        var stack = new Stack<(string, Module)>();
        stack.Push((prefix, this));
        while (stack.Count > 0)
        {
            var (name, m) = stack.Pop();
            yield return (name, m);
            for (int i = m._children.Count - 1; i >= 0; i--)
                stack.Push((Join(name, m._children[i].Name), m._children[i].Module));
        }
    }

    /// <summary>All parameters with dotted names (e.g. "0.weight"), depth-first in registration order.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        foreach (var (prefix, m) in NamedModules())
            foreach (var p in m._parameters)
                yield return (Join(prefix, p.Name), p.Value);
    }

    /// <summary>All parameters in deterministic order (the ordinals optimizers use).</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>All buffers with dotted names.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        foreach (var (prefix, m) in NamedModules())
            foreach (var b in m._buffers)
                yield return (Join(prefix, b.Name), b.Value);
    }

    /// <summary>Total number of trainable elements.</summary>
    public long ParameterCount => Parameters().Sum(p => (long)p.Numel);

    /// <summary>Sets training mode on this module and every descendant.</summary>
    public Module Train(bool mode = true)
    {
        foreach (var (_, m) in NamedModules()) m.Training = mode;
        return this;
    }

    /// <summary>Sets evaluation mode (dropout off, batch norm uses running statistics).</summary>
    public Module Eval() => Train(false);

    /// <summary>Zeroes every parameter gradient in place (keeps the buffers, so steady-state steps don't allocate).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad?.ZeroInPlace();
    }

    /// <summary>Parameters and persistent buffers by dotted name, in registration order (PyTorch's state_dict).</summary>
    public StateDict StateDict()
    {
        var dict = new StateDict();
        foreach (var (prefix, m) in NamedModules())
        {
            foreach (var p in m._parameters) dict.Add(Join(prefix, p.Name), p.Value);
            foreach (var b in m._buffers)
                if (b.Persistent) dict.Add(Join(prefix, b.Name), b.Value);
        }
        return dict;
    }

    /// <summary>
    /// Copies values from <paramref name="state"/> into this module's tensors (in place, so optimizers keep
    /// working). Validates everything first and loads nothing when anything is wrong: with
    /// <paramref name="strict"/>, missing and unexpected keys are errors; mis-shaped entries always are.
    /// </summary>
    public LoadStateResult LoadStateDict(StateDict state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        var own = StateDict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var misShaped = own.Where(kv => state.TryGetValue(kv.Key, out var v) && v.Shape != kv.Value.Shape)
            .Select(kv => $"{kv.Key}: checkpoint {state[kv.Key].Shape} vs model {kv.Value.Shape}").ToList();
        if (misShaped.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            var sb = new StringBuilder($"Error(s) in loading state dict for {TypeName}:");
            if (missing.Count > 0) sb.Append($" missing keys: {string.Join(", ", missing)}.");
            if (unexpected.Count > 0) sb.Append($" unexpected keys: {string.Join(", ", unexpected)}.");
            if (misShaped.Count > 0) sb.Append($" size mismatch: {string.Join("; ", misShaped)}.");
            throw new InvalidOperationException(sb.ToString());
        }
        using (GradMode.Disable())
        {
            foreach (var (key, target) in own)
                if (state.TryGetValue(key, out var source))
                    target.CopyFrom(source);
        }
        foreach (var (_, m) in NamedModules()) m.OnStateDictLoaded();
        return new LoadStateResult(missing, unexpected);
    }

    /// <summary>
    /// Called on this module and every descendant after <see cref="LoadStateDict"/> copied new values into their
    /// tensors: a layer that caches a form derived from its state (e.g. a quantized layer's packed weights) rebuilds it
    /// here, as PyTorch's quantized modules do in <c>_load_from_state_dict</c>.
    /// </summary>
    protected virtual void OnStateDictLoaded()
    {
    }

    /// <summary>A Keras-like table of layers, output shapes and parameter counts for an input of <paramref name="inputShape"/>.</summary>
    public string Summary(params int[] inputShape) => ModelSummary.Render(this, inputShape);

    /// <summary>
    /// The summary of a pruned model: beside each layer, the channels it kept and removed against
    /// <paramref name="originalChannels"/> (each layer's output channels before pruning, as <see cref="OutputChannels"/>
    /// recorded them; <c>StructuredPruningResult.OriginalChannels</c> holds them for a structured pruning step).
    /// </summary>
    public string Summary(int[] inputShape, IReadOnlyDictionary<string, int> originalChannels) =>
        ModelSummary.Render(this, inputShape, originalChannels ?? throw new ArgumentNullException(nameof(originalChannels)));

    /// <summary>
    /// Each layer's output channels by path (dimension 1 of its output for input shape <paramref name="inputShape"/>,
    /// batch included; the features of a Linear): record them before pruning to show kept/removed channels later.
    /// </summary>
    public IReadOnlyDictionary<string, int> OutputChannels(params int[] inputShape) => ModelSummary.OutputChannels(this, inputShape);

    /// <summary>
    /// Multiply-accumulates per sample of this module's own computation (children excluded) in a call whose output has
    /// shape <paramref name="output"/> (dim 0 the batch). Layers built on matrix products (Linear, Conv2d) count them;
    /// elementwise, normalization and pooling layers return 0, as the usual MAC counters (thop, fvcore) do.
    /// <see cref="ModelComplexity"/> sums it over one forward pass.
    /// </summary>
    public virtual long MultiplyAccumulates(Shape output) => 0;

    /// <summary>One-line description of this module's configuration (e.g. "in=784, out=256").</summary>
    public virtual string ExtraRepr() => "";

    /// <inheritdoc/>
    public override string ToString()
    {
        var extra = ExtraRepr();
        if (_children.Count == 0) return $"{TypeName}({extra})";
        var sb = new StringBuilder($"{TypeName}(");
        if (extra.Length > 0) sb.Append(extra);
        sb.AppendLine();
        foreach (var (name, child) in _children)
            sb.Append("  (").Append(name).Append("): ").AppendLine(child.ToString().Replace("\n", "\n  ", StringComparison.Ordinal));
        return sb.Append(')').ToString();
    }

    /// <summary>Module state outlives any step scope: a tensor from the pool is copied into ordinary memory.</summary>
    private static Tensor LongLived(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Storage.IsPooled) return value;
        using var persistent = StepScope.Suspend();
        using var noGrad = GradMode.Disable();
        return value.Detach().Clone();
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.', StringComparison.Ordinal))
            throw new ArgumentException($"{TypeName}: invalid member name '{name}' (non-empty, no dots).", nameof(name));
        if (_parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name) || _children.Any(c => c.Name == name))
            throw new ArgumentException($"{TypeName}: '{name}' is already registered.", nameof(name));
    }

    private sealed record Slot(string Name, Tensor Value, bool Persistent);
}

/// <summary>Keys that <see cref="Module.LoadStateDict"/> skipped in non-strict mode.</summary>
public sealed record LoadStateResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
