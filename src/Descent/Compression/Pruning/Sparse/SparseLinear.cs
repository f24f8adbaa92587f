using Descent.Kernels.Sparse;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Pruning.Sparse;

/// <summary>
/// An inference-only Linear whose weight is stored sparse (<see cref="CsrMatrix{T}"/>): y = x·Wᵀ + b over the stored
/// non-zeros only (<see cref="SparseLinearKernels"/>), so a layer pruned to high sparsity runs faster than the dense
/// Linear, which multiplies the zeros too. Equal to the dense layer up to the summation order's rounding. Made from a
/// (pruned) Linear with <see cref="FromLinear"/> or for a whole model with <see cref="SparseConversion.ToSparse"/>.
/// State: "values", "col_indices", "row_starts", "row_counts" (the padded CSR arrays, int64 indices) and "bias";
/// nothing is differentiable (the output carries no gradient), so convert after training.
/// </summary>
public sealed class SparseLinear : Module
{
    private CsrMatrix<float>? _f32;
    private CsrMatrix<double>? _f64;

    /// <summary>
    /// An all-zero layer of the given size and dtype with room for <paramref name="storedEntries"/> stored values (the
    /// length of a saved layer's "values"), to be filled by <see cref="Module.LoadStateDict"/>.
    /// </summary>
    public SparseLinear(int inFeatures, int outFeatures, long storedEntries = 0, bool bias = true, DType dtype = DType.Float32)
        : this(inFeatures, outFeatures, bias ? Tensor.Zeros(new Shape(outFeatures), dtype) : null, dtype,
            Tensor.Zeros(new Shape(checked((int)storedEntries)), dtype), new long[outFeatures + 1], new long[outFeatures], new long[storedEntries])
    {
    }

    private SparseLinear(int inFeatures, int outFeatures, Tensor? bias, DType dtype, Tensor values, long[] rowStarts, long[] rowCounts, long[] columns)
    {
        if (dtype is not (DType.Float32 or DType.Float64))
            throw new ArgumentException($"SparseLinear: dtype must be float32 or float64, got {dtype.TorchName()}.", nameof(dtype));
        ArgumentOutOfRangeException.ThrowIfNegative(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegative(outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        DType = dtype;
        Values = RegisterBuffer("values", values);
        ColumnIndices = RegisterBuffer("col_indices", Tensor.FromArray(columns, columns.Length));
        RowStarts = RegisterBuffer("row_starts", Tensor.FromArray(rowStarts, rowStarts.Length));
        RowCounts = RegisterBuffer("row_counts", Tensor.FromArray(rowCounts, rowCounts.Length));
        if (bias is not null) Bias = RegisterBuffer("bias", bias);
        Train(false);
        // An empty layer made to receive a saved state has room for the values but no rows yet: it is built on load.
        if (rowStarts[outFeatures] == values.Numel) Rebuild();
    }

    /// <summary>Input size.</summary>
    public int InFeatures { get; }

    /// <summary>Output size.</summary>
    public int OutFeatures { get; }

    /// <summary>Float type of weights, inputs and outputs.</summary>
    public DType DType { get; }

    /// <summary>Stored weight values (padded CSR).</summary>
    public Tensor Values { get; }

    /// <summary>Column of each stored value (int64).</summary>
    public Tensor ColumnIndices { get; }

    /// <summary>Start of each row's stored values, [out + 1] (int64).</summary>
    public Tensor RowStarts { get; }

    /// <summary>Non-zeros of each row, [out] (int64).</summary>
    public Tensor RowCounts { get; }

    /// <summary>Bias [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>Non-zero weights.</summary>
    public long NonZeros => _f32?.NonZeros ?? _f64?.NonZeros ?? 0;

    /// <summary>Fraction of the out × in weights that are zero.</summary>
    public double Sparsity => _f32?.Sparsity ?? _f64?.Sparsity ?? 1;

    /// <summary>
    /// The sparse form of <paramref name="linear"/>: its effective weight (the mask applied when the layer is masked,
    /// see <see cref="Unstructured.UnstructuredPruning"/>) with the zeros dropped, and its effective bias; same dtype.
    /// </summary>
    public static SparseLinear FromLinear(Linear linear)
    {
        ArgumentNullException.ThrowIfNull(linear);
        var weight = linear.Masked(linear.Weight)!.Detach().Contiguous();
        var bias = linear.Bias is null ? null : linear.Masked(linear.Bias)!.Detach().Contiguous().Clone();
        var dtype = weight.DType;
        long[] starts, counts, cols;
        Tensor values;
        if (dtype == DType.Float32)
        {
            var m = CsrMatrix<float>.FromDense(weight.Span<float>(), linear.OutFeatures, linear.InFeatures);
            (starts, counts, cols) = Indices(m.RowStarts, m.RowCounts, m.ColumnIndices);
            values = Tensor.FromArray(m.Values, m.Values.Length);
        }
        else if (dtype == DType.Float64)
        {
            var m = CsrMatrix<double>.FromDense(weight.Span<double>(), linear.OutFeatures, linear.InFeatures);
            (starts, counts, cols) = Indices(m.RowStarts, m.RowCounts, m.ColumnIndices);
            values = Tensor.FromArray(m.Values, m.Values.Length);
        }
        else
        {
            throw new ArgumentException($"SparseLinear: the Linear's weight is {dtype.TorchName()}, not float32 or float64.", nameof(linear));
        }
        return new SparseLinear(linear.InFeatures, linear.OutFeatures, bias, dtype, values, starts, counts, cols);
    }

    /// <summary>The dense weight [out, in] again (zeros where nothing is stored).</summary>
    public Tensor DenseWeight() => DType == DType.Float32
        ? Tensor.FromArray(_f32!.ToDense(), OutFeatures, InFeatures)
        : Tensor.FromArray(_f64!.ToDense(), OutFeatures, InFeatures);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DType != DType)
            throw new ArgumentException($"{TypeName}: input is {input.DType.TorchName()}, the layer is {DType.TorchName()}.", nameof(input));
        if (input.Rank == 0 || input.Shape[-1] != InFeatures)
            throw new ArgumentException($"{TypeName}: input {input.Shape} does not end in in_features = {InFeatures}.", nameof(input));
        var x = input.Contiguous();
        var dims = input.Shape.Dims.ToArray();
        int rows = 1;
        for (int d = 0; d < dims.Length - 1; d++) rows *= dims[d];
        dims[^1] = OutFeatures;
        var output = Tensor.Empty(new Shape(dims), DType);
        if (_f32 is null && _f64 is null)
            throw new InvalidOperationException($"{TypeName}: made with room for stored values but not loaded; call LoadStateDict first.");
        if (DType == DType.Float32)
            SparseLinearKernels.Forward(_f32!, x.Span<float>(), rows, Bias is null ? default : Bias.Span<float>(), output.Span<float>());
        else
            SparseLinearKernels.Forward(_f64!, x.Span<double>(), rows, Bias is null ? default : Bias.Span<double>(), output.Span<double>());
        return output;
    }

    /// <inheritdoc/>
    public override long MultiplyAccumulates(Shape output) => output.Rank > 1 ? NonZeros * (output.Numel / Math.Max(1, OutFeatures)) : NonZeros;

    /// <inheritdoc/>
    protected override void OnStateDictLoaded() => Rebuild();

    private void Rebuild()
    {
        var starts = Array.ConvertAll(RowStarts.ToArray<long>(), v => checked((int)v));
        var counts = Array.ConvertAll(RowCounts.ToArray<long>(), v => checked((int)v));
        var cols = Array.ConvertAll(ColumnIndices.ToArray<long>(), v => checked((int)v));
        if (DType == DType.Float32) _f32 = CsrMatrix<float>.FromParts(OutFeatures, InFeatures, starts, counts, cols, Values.ToArray<float>());
        else _f64 = CsrMatrix<double>.FromParts(OutFeatures, InFeatures, starts, counts, cols, Values.ToArray<double>());
    }

    private static (long[], long[], long[]) Indices(int[] starts, int[] counts, int[] cols) =>
        (Array.ConvertAll(starts, v => (long)v), Array.ConvertAll(counts, v => (long)v), Array.ConvertAll(cols, v => (long)v));

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is not null ? "True" : "False")}, nnz={NonZeros}, sparsity={Sparsity:F4}";
}
