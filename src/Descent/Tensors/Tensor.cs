using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// An n-dimensional array of <see cref="DType"/> elements in contiguous row-major order, with reverse-mode
/// autograd. Reshape/view/flatten/squeeze/unsqueeze and narrowing along dim 0 are free views sharing
/// storage; transpose/permute copy (matrix products take transpose flags instead).
/// Ops live in <c>Tensors/Ops/</c>, each with its backward next to its forward.
/// </summary>
public sealed partial class Tensor
{
    private bool _requiresGrad;

    internal Tensor(Storage storage, int offset, Shape shape)
    {
        Storage = storage;
        Offset = offset;
        Shape = shape;
        Numel = shape.Numel;
        if (offset < 0 || offset + Numel > storage.Length)
            throw new ArgumentException($"View {shape} at offset {offset} does not fit a storage of {storage.Length} elements.");
    }

    /// <summary>The buffer holding the elements (shared by views).</summary>
    public Storage Storage { get; }

    /// <summary>Index of the first element in <see cref="Storage"/>.</summary>
    public int Offset { get; }

    /// <summary>Dimension sizes.</summary>
    public Shape Shape { get; }

    /// <summary>Number of elements.</summary>
    public int Numel { get; }

    /// <summary>Element type.</summary>
    public DType DType => Storage.DType;

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public int Size(int dim) => Shape[dim];

    /// <summary>The node that produced this tensor in the autograd graph (null for leaves).</summary>
    public Node? GradFn { get; internal set; }

    /// <summary>True for tensors not produced by a recorded op (parameters, inputs).</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>
    /// Whether gradients flow to this tensor. Settable only on leaves (as in PyTorch); results of ops that
    /// were recorded require grad automatically.
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad || GradFn is not null;
        set
        {
            if (!IsLeaf)
                throw new InvalidOperationException(
                    $"RequiresGrad can only be changed on leaf tensors; this one was produced by {GradFn!.Name}. Use Detach() first.");
            if (value && !DType.IsFloatingPoint())
                throw new InvalidOperationException($"Only floating-point tensors can require gradients, not {DType.TorchName()}.");
            _requiresGrad = value;
        }
    }

    /// <summary>Accumulated gradient (same shape and dtype), filled by <see cref="Backward(Tensor?, bool)"/>.</summary>
    public Tensor? Grad
    {
        get
        {
            if (_gradIsZero)
            {
                _gradIsZero = false;
                _grad!.ZeroInPlace();
            }
            return _grad;
        }
        set
        {
            _grad = value;
            _gradIsZero = false;
        }
    }

    private Tensor? _grad;

    // Set by ZeroGradDeferred: _grad's elements are stale and stand for zeros. The next reader of Grad zeroes them;
    // the next backward overwrites them instead of adding (one pass over the gradient instead of three).
    private bool _gradIsZero;

    /// <summary>
    /// Zeroes <see cref="Grad"/> lazily: it reads as zeros from now on, but the memory is cleared only when someone
    /// reads it before the next backward, which otherwise writes its result straight into the buffer.
    /// </summary>
    internal void ZeroGradDeferred()
    {
        if (_grad is not null) _gradIsZero = true;
    }

    /// <summary>
    /// The gradient buffer for the autograd engine to accumulate into; <paramref name="overwrite"/> is true when its
    /// contents stand for zeros (deferred zeroing), and the caller must then write every element.
    /// </summary>
    internal Tensor? GradForAccumulation(out bool overwrite)
    {
        overwrite = _gradIsZero;
        _gradIsZero = false;
        return _grad;
    }

    /// <summary>When set on a non-leaf tensor, <see cref="Grad"/> is filled for it too (PyTorch's retain_grad).</summary>
    public bool RetainsGrad { get; private set; }

    /// <summary>Optional name (parameters get their state-dict name).</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Set when module surgery (e.g. <c>Module.ReplaceSubmodule</c>) takes this parameter out of its model; cleared
    /// when its module is put into a model again. Optimizers compare it with the moment they took the parameter.
    /// </summary>
    internal ParameterRemoval? Removal { get; set; }

    /// <summary>Makes backward also store this non-leaf tensor's gradient in <see cref="Grad"/>.</summary>
    public Tensor RetainGrad()
    {
        if (GradFn is null)
            return this;
        RetainsGrad = true;
        GradFn.RetainedOutput = this;
        return this;
    }

    /// <summary>The elements as a span of <typeparamref name="T"/> (must match <see cref="DType"/>).</summary>
    public Span<T> Span<T>() where T : unmanaged
    {
        if (Storage is not Storage<T> typed)
            throw new InvalidOperationException(
                $"Tensor of dtype {DType.TorchName()} read as {typeof(T).Name}; convert it with To(DType) first.");
        return typed.Span.Slice(Offset, Numel);
    }

    /// <summary>The backing array and offset (for kernels that need arrays, e.g. parallel bodies).</summary>
    internal (T[] Array, int Offset) Raw<T>() where T : unmanaged => (((Storage<T>)Storage).Array, Offset);

    /// <summary>A copy of the elements as <typeparamref name="T"/> (must match <see cref="DType"/>).</summary>
    public T[] ToArray<T>() where T : unmanaged => Span<T>().ToArray();

    /// <summary>A copy of the elements converted to double, whatever the dtype.</summary>
    public double[] ToDoubleArray()
    {
        var result = new double[Numel];
        switch (DType)
        {
            case DType.Float32:
                var f = Span<float>();
                for (int i = 0; i < f.Length; i++) result[i] = f[i];
                break;
            case DType.Float64:
                Span<double>().CopyTo(result);
                break;
            case DType.Int64:
                var l = Span<long>();
                for (int i = 0; i < l.Length; i++) result[i] = l[i];
                break;
            case DType.Bool:
                var b = Span<bool>();
                for (int i = 0; i < b.Length; i++) result[i] = b[i] ? 1 : 0;
                break;
            case DType.Int8:
                var s8 = Span<sbyte>();
                for (int i = 0; i < s8.Length; i++) result[i] = s8[i];
                break;
            case DType.UInt8:
                var u8 = Span<byte>();
                for (int i = 0; i < u8.Length; i++) result[i] = u8[i];
                break;
        }
        return result;
    }

    /// <summary>A copy of the elements converted to float, whatever the dtype.</summary>
    public float[] ToFloatArray() => DType == DType.Float32 ? ToArray<float>() : Array.ConvertAll(ToDoubleArray(), d => (float)d);

    /// <summary>The value of a one-element tensor.</summary>
    public double Item()
    {
        if (Numel != 1)
            throw new InvalidOperationException($"Item(): a tensor with {Numel} elements {Shape} cannot be converted to a scalar.");
        return GetDouble(0);
    }

    /// <summary>Element at flat (row-major) position <paramref name="flatIndex"/>, as double.</summary>
    public double GetDouble(int flatIndex) => DType switch
    {
        DType.Float32 => Span<float>()[flatIndex],
        DType.Float64 => Span<double>()[flatIndex],
        DType.Int64 => Span<long>()[flatIndex],
        DType.Bool => Span<bool>()[flatIndex] ? 1 : 0,
        DType.Int8 => Span<sbyte>()[flatIndex],
        DType.UInt8 => Span<byte>()[flatIndex],
        _ => throw new DescentInternalException($"GetDouble: no case for dtype {DType}."),
    };

    /// <summary>Element at the given indices, as double.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public double this[params int[] indices] => GetDouble(FlatIndex(indices));

    /// <summary>Row-major flat position of <paramref name="indices"/>, with bounds checks naming the dim.</summary>
    public int FlatIndex(ReadOnlySpan<int> indices)
    {
        if (indices.Length != Rank)
            throw new ArgumentException($"Indexing a tensor of shape {Shape} needs {Rank} indices, got {indices.Length}.");
        int flat = 0;
        for (int d = 0; d < Rank; d++)
        {
            int size = Shape.Dims[d];
            int i = indices[d] < 0 ? indices[d] + size : indices[d];
            if (i < 0 || i >= size)
                throw new IndexOutOfRangeException($"Index {indices[d]} is out of bounds for dimension {d} with size {size}.");
            flat = flat * size + i;
        }
        return flat;
    }

    /// <summary>A tensor sharing this one's memory but cut from the autograd graph.</summary>
    public Tensor Detach() => new(Storage, Offset, Shape);

    /// <summary>Creates an op result, recording <paramref name="node"/> when grad mode is on and an input needs it.</summary>
    internal static Tensor Result(Storage storage, Shape shape, Node? node) =>
        Result(storage, 0, shape, node);

    internal static Tensor Result(Storage storage, int offset, Shape shape, Node? node)
    {
        var t = new Tensor(storage, offset, shape);
        if (node is not null)
            t.GradFn = node;
        return t;
    }

    /// <summary>True when an op on these inputs must record a graph node.</summary>
    internal static bool NeedsGrad(Tensor a) => GradMode.IsEnabled && a.RequiresGrad;

    internal static bool NeedsGrad(Tensor a, Tensor b) => GradMode.IsEnabled && (a.RequiresGrad || b.RequiresGrad);

    internal static bool NeedsGrad(ReadOnlySpan<Tensor> inputs)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var t in inputs)
            if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>Allocates an uninitialized (or zeroed) tensor; pooled inside a step scope.</summary>
    internal static Tensor Empty(Shape shape, DType dtype, bool zeroed = false) =>
        new(Storage.Create(dtype, shape.Numel, zeroed), 0, shape);

    /// <summary>Throws unless the dtype is floating-point, naming the op.</summary>
    internal void RequireFloat(string op)
    {
        if (!DType.IsFloatingPoint())
            throw new InvalidOperationException($"{op}: expected a float32 or float64 tensor, got {DType.TorchName()} {Shape}.");
    }
}
