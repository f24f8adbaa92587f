using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// Multi-head scaled dot-product attention (Vaswani et al. 2017), PyTorch's <c>nn.MultiheadAttention</c>:
/// q, k, v projections ("in_proj_weight" [3E, E] with rows q | k | v, or "q_proj_weight", "k_proj_weight",
/// "v_proj_weight" when kdim/vdim differ from E), "in_proj_bias" [3E], optional "bias_k"/"bias_v" [1, 1, E]
/// appended to the keys and values, optional zero attention, and the output projection "out_proj".
/// Masks: a bool mask marks positions that may NOT be attended; a float mask is added to the scores.
/// Inputs are [L, N, E] ([N, L, E] with batchFirst, or unbatched [L, E]).
/// </summary>
public sealed class MultiheadAttention : Module
{
    private readonly Tensor? _inProjWeight, _qProjWeight, _kProjWeight, _vProjWeight, _inProjBias, _biasK, _biasV;

    /// <summary>Creates the layer; weights use xavier_uniform, biases start at zero (PyTorch's _reset_parameters).</summary>
    public MultiheadAttention(int embedDim, int numHeads, double dropout = 0, bool bias = true, bool addBiasKv = false,
        bool addZeroAttn = false, int? kdim = null, int? vdim = null, bool batchFirst = false,
        DType dtype = DType.Float32, Generator? generator = null)
    {
        if (embedDim < 1) throw new ArgumentOutOfRangeException(nameof(embedDim), embedDim, "MultiheadAttention: embed_dim must be positive.");
        if (numHeads < 1 || embedDim % numHeads != 0)
            throw new ArgumentOutOfRangeException(nameof(numHeads), numHeads, $"MultiheadAttention: embed_dim {embedDim} must be divisible by num_heads {numHeads}.");
        if (!(dropout >= 0 && dropout <= 1))
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "MultiheadAttention: dropout must be in [0, 1].");
        EmbedDim = embedDim;
        NumHeads = numHeads;
        KDim = kdim ?? embedDim;
        VDim = vdim ?? embedDim;
        DropoutP = dropout;
        AddZeroAttn = addZeroAttn;
        BatchFirst = batchFirst;
        Generator = generator;
        if (KDim == embedDim && VDim == embedDim)
        {
            _inProjWeight = RegisterParameter("in_proj_weight", Tensor.Zeros(new Shape(3 * embedDim, embedDim), dtype));
        }
        else
        {
            _qProjWeight = RegisterParameter("q_proj_weight", Tensor.Zeros(new Shape(embedDim, embedDim), dtype));
            _kProjWeight = RegisterParameter("k_proj_weight", Tensor.Zeros(new Shape(embedDim, KDim), dtype));
            _vProjWeight = RegisterParameter("v_proj_weight", Tensor.Zeros(new Shape(embedDim, VDim), dtype));
        }
        if (bias) _inProjBias = RegisterParameter("in_proj_bias", Tensor.Zeros(new Shape(3 * embedDim), dtype));
        if (addBiasKv)
        {
            _biasK = RegisterParameter("bias_k", Tensor.Zeros(new Shape(1, 1, embedDim), dtype));
            _biasV = RegisterParameter("bias_v", Tensor.Zeros(new Shape(1, 1, embedDim), dtype));
        }
        OutProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, bias, dtype, generator));

        if (_inProjWeight is not null) Init.XavierUniform(_inProjWeight, generator: generator);
        else
        {
            Init.XavierUniform(_qProjWeight!, generator: generator);
            Init.XavierUniform(_kProjWeight!, generator: generator);
            Init.XavierUniform(_vProjWeight!, generator: generator);
        }
        if (_inProjBias is not null) Init.Zeros(_inProjBias);
        if (OutProj.Bias is not null) Init.Zeros(OutProj.Bias);
        if (_biasK is not null) Init.XavierNormal(_biasK, generator: generator);
        if (_biasV is not null) Init.XavierNormal(_biasV, generator: generator);
    }

    /// <summary>Model dimension E.</summary>
    public int EmbedDim { get; }

    /// <summary>Number of heads H (head dim E/H).</summary>
    public int NumHeads { get; }

    /// <summary>Key feature size.</summary>
    public int KDim { get; }

    /// <summary>Value feature size.</summary>
    public int VDim { get; }

    /// <summary>Dropout on the attention weights (training only).</summary>
    public double DropoutP { get; }

    /// <summary>Appends a zero key and value (after the projections).</summary>
    public bool AddZeroAttn { get; }

    /// <summary>Inputs and outputs are [N, L, E].</summary>
    public bool BatchFirst { get; }

    /// <summary>Random source of attention dropout.</summary>
    public Generator? Generator { get; }

    /// <summary>The output projection.</summary>
    public Linear OutProj { get; }

    /// <summary>Self-attention of <paramref name="input"/> (query = key = value); returns the attention output.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, input, input, needWeights: false).Output;

    /// <summary>
    /// Attends from <paramref name="query"/> over <paramref name="key"/>/<paramref name="value"/>. Returns the
    /// output [L, N, E] and, when <paramref name="needWeights"/>, the attention weights [N, L, S] averaged over
    /// heads (or [N, H, L, S] without <paramref name="averageAttnWeights"/>).
    /// </summary>
    public (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null,
        bool needWeights = true, Tensor? attnMask = null, bool averageAttnWeights = true)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        query.RequireFloat("MultiheadAttention");
        bool batched = query.Rank == 3;
        if (query.Rank is not (2 or 3) || key.Rank != query.Rank || value.Rank != query.Rank)
            throw new ArgumentException($"MultiheadAttention: query {query.Shape}, key {key.Shape} and value {value.Shape} must all be 3-D (batched) or 2-D (unbatched).");
        if (!batched)
        {
            query = query.Unsqueeze(1);
            key = key.Unsqueeze(1);
            value = value.Unsqueeze(1);
            if (keyPaddingMask is not null) keyPaddingMask = keyPaddingMask.Unsqueeze(0);
        }
        else if (BatchFirst)
        {
            query = query.Transpose(0, 1);
            key = key.Transpose(0, 1);
            value = value.Transpose(0, 1);
        }
        int tgtLen = query.Shape[0], bsz = query.Shape[1], e = EmbedDim, heads = NumHeads, headDim = e / heads;
        if (query.Shape[2] != e || key.Shape[2] != KDim || value.Shape[2] != VDim || key.Shape[1] != bsz || value.Shape[1] != bsz || key.Shape[0] != value.Shape[0])
            throw new ArgumentException(
                $"MultiheadAttention: query {query.Shape}, key {key.Shape}, value {value.Shape} do not match embed_dim {e}, kdim {KDim}, vdim {VDim} (as [L, N, E]).");

        var (wq, wk, wv) = _inProjWeight is not null
            ? (_inProjWeight.Narrow(0, 0, e), _inProjWeight.Narrow(0, e, e), _inProjWeight.Narrow(0, 2 * e, e))
            : (_qProjWeight!, _kProjWeight!, _vProjWeight!);
        var (bq, bk, bv) = _inProjBias is not null
            ? (_inProjBias.Narrow(0, 0, e), _inProjBias.Narrow(0, e, e), _inProjBias.Narrow(0, 2 * e, e))
            : ((Tensor?)null, (Tensor?)null, (Tensor?)null);
        var q = Tensor.Linear(query, wq, bq);
        var k = Tensor.Linear(key, wk, bk);
        var v = Tensor.Linear(value, wv, bv);

        var mask = attnMask is null ? null : AttentionMasks.Prepare(attnMask, tgtLen, key.Shape[0], bsz * heads, q.DType);
        if (_biasK is not null)
        {
            k = Tensor.Cat([k, _biasK.Expand(new Shape(1, bsz, e))], 0);
            v = Tensor.Cat([v, _biasV!.Expand(new Shape(1, bsz, e))], 0);
            mask = AttentionMasks.PadLast(mask);
            keyPaddingMask = AttentionMasks.PadLast(keyPaddingMask);
        }
        q = q.Reshape(tgtLen, bsz * heads, headDim).Transpose(0, 1);
        k = k.Reshape(k.Shape[0], bsz * heads, headDim).Transpose(0, 1);
        v = v.Reshape(v.Shape[0], bsz * heads, headDim).Transpose(0, 1);
        if (AddZeroAttn)
        {
            k = Tensor.Cat([k, Tensor.Zeros(new Shape(bsz * heads, 1, headDim), k.DType)], 1);
            v = Tensor.Cat([v, Tensor.Zeros(new Shape(bsz * heads, 1, headDim), v.DType)], 1);
            mask = AttentionMasks.PadLast(mask);
            keyPaddingMask = AttentionMasks.PadLast(keyPaddingMask);
        }
        int srcLen = k.Shape[1];
        if (keyPaddingMask is not null)
            mask = AttentionMasks.MergeKeyPadding(mask, keyPaddingMask, bsz, heads, tgtLen, srcLen, q.DType);

        // scores = mask + (q/√d)·kᵀ, as PyTorch's baddbmm; softmax over the keys.
        var scores = Tensor.Matmul(Tensor.Div(q, Tensor.Scalar(Math.Sqrt(headDim), q.DType)), k.Transpose(1, 2));
        if (mask is not null) scores = scores + mask;
        var attn = Tensor.Softmax(scores, -1);
        if (DropoutP > 0 && Training) attn = Tensor.Dropout(attn, DropoutP, training: true, Generator);
        var output = Tensor.Matmul(attn, v).Transpose(0, 1).Reshape(tgtLen * bsz, e);
        output = OutProj.Call(output).Reshape(tgtLen, bsz, e);

        Tensor? weights = null;
        if (needWeights)
        {
            weights = attn.Reshape(bsz, heads, tgtLen, srcLen);
            if (averageAttnWeights) weights = weights.Mean(1);
            if (!batched) weights = weights.Squeeze(0);
        }
        if (!batched) output = output.Squeeze(1);
        else if (BatchFirst) output = output.Transpose(0, 1);
        return (output, weights);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"embed_dim={Repr.Int(EmbedDim)}, num_heads={Repr.Int(NumHeads)}";
}
