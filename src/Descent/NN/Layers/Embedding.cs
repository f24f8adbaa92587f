using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// Lookup table (PyTorch's <c>nn.Embedding</c>): "weight" [num, dim] initialised N(0, 1); int64 indices of any
/// shape select rows. The row <c>paddingIdx</c> starts at zero and never receives a gradient.
/// </summary>
public sealed class Embedding : Module
{
    /// <summary>Creates the table; random initialisation draws from <paramref name="generator"/>.</summary>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, DType dtype = DType.Float32, Generator? generator = null)
    {
        if (numEmbeddings < 1) throw new ArgumentOutOfRangeException(nameof(numEmbeddings), numEmbeddings, "Embedding: num_embeddings must be positive.");
        if (embeddingDim < 1) throw new ArgumentOutOfRangeException(nameof(embeddingDim), embeddingDim, "Embedding: embedding_dim must be positive.");
        if (paddingIdx is { } p)
        {
            if (p >= numEmbeddings || p < -numEmbeddings)
                throw new ArgumentOutOfRangeException(nameof(paddingIdx), p, $"Embedding: padding_idx must be within [{-numEmbeddings}, {numEmbeddings}).");
            paddingIdx = p < 0 ? p + numEmbeddings : p;
        }
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        PaddingIdx = paddingIdx;
        Weight = RegisterParameter("weight", Tensor.Zeros(new Shape(numEmbeddings, embeddingDim), dtype));
        Init.Normal(Weight, 0, 1, generator);
        if (paddingIdx is { } row)
            for (int j = 0; j < embeddingDim; j++) Weight.SetDouble(row * embeddingDim + j, 0);
    }

    /// <summary>Number of rows.</summary>
    public int NumEmbeddings { get; }

    /// <summary>Row size.</summary>
    public int EmbeddingDim { get; }

    /// <summary>Row excluded from gradient updates (non-negative), or null.</summary>
    public int? PaddingIdx { get; }

    /// <summary>The table [num, dim].</summary>
    public Tensor Weight { get; }

    /// <summary>Rows for int64 <paramref name="input"/> indices: output shape [..input.shape, dim].</summary>
    public override Tensor Forward(Tensor input) => Tensor.Embedding(Weight, input, PaddingIdx);

    /// <summary>
    /// A new, independent Embedding holding the rows <paramref name="embeddings"/> and columns <paramref name="dims"/>
    /// of this table; null keeps all. Indices must be strictly increasing and in range. The padding row moves to its
    /// new position and must be kept (dropping it would silently give it gradients again); dtype and training mode are
    /// kept. Input indices refer to the new rows: callers that drop rows must remap their token ids.
    /// </summary>
    public Embedding Keep(IReadOnlyList<int>? embeddings = null, IReadOnlyList<int>? dims = null)
    {
        var layer = $"{TypeName}({ExtraRepr()})";
        var rows = KeptIndices.Check(layer, "embeddings", NumEmbeddings, embeddings);
        var cols = KeptIndices.Check(layer, "dims", EmbeddingDim, dims);
        int? padding = null;
        if (PaddingIdx is { } p)
        {
            padding = Array.IndexOf(rows, p);
            if (padding < 0) throw new ArgumentException($"{layer}.Keep: embeddings must keep the padding row {p}.", nameof(embeddings));
        }
        // A throwaway generator: the initial values are overwritten, and Generator.Default must not advance.
        var kept = new Embedding(rows.Length, cols.Length, padding, Weight.DType, new Generator(0));
        KeptIndices.CopyInto(kept.Weight, KeptIndices.Take(KeptIndices.Take(Weight, 0, rows), 1, cols));
        kept.Train(Training);
        return kept;
    }

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"{Repr.Int(NumEmbeddings)}, {Repr.Int(EmbeddingDim)}" + (PaddingIdx is { } p ? $", padding_idx={Repr.Int(p)}" : "");
}
