using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Distillation;

/// <summary>
/// Records the outputs of chosen submodules during one forward pass on the calling thread (PyTorch's forward hooks,
/// through <see cref="Module.Call"/>'s observer). One instance per forward: data-parallel replicas capture separately.
/// </summary>
internal sealed class FeatureCapture
{
    private readonly string _owner;
    private readonly IReadOnlyList<(string Path, Module Module)> _layers;
    private readonly Tensor?[] _features;

    /// <summary>A capture of <paramref name="layers"/> of <paramref name="owner"/> ("student" or "teacher").</summary>
    public FeatureCapture(string owner, IReadOnlyList<(string Path, Module Module)> layers)
    {
        _owner = owner;
        _layers = layers;
        _features = new Tensor?[layers.Count];
    }

    /// <summary>Observes every module call on this thread until disposed.</summary>
    public IDisposable Begin() => Module.ObserveForward(Observe);

    /// <summary>The output of layer <paramref name="i"/> in the forward pass just run.</summary>
    public Tensor Feature(int i) => _features[i] ?? throw new InvalidOperationException(
        $"distillation: {_owner} layer '{_layers[i].Path}' did not run in the forward pass, so it gives no hint features; name a layer the model calls.");

    private void Observe(Module module, Tensor output)
    {
        for (int i = 0; i < _layers.Count; i++)
        {
            if (!ReferenceEquals(module, _layers[i].Module)) continue;
            if (_features[i] is not null)
                throw new InvalidOperationException(
                    $"distillation: {_owner} layer '{_layers[i].Path}' ran twice in one forward pass; a hint needs a layer that runs once.");
            _features[i] = output;
        }
    }
}
