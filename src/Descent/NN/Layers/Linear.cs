using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// Fully connected layer y = x·Wᵀ + b (PyTorch's <c>nn.Linear</c>): "weight" [out, in] initialised
/// kaiming_uniform(a = √5), i.e. U(±1/√in), and "bias" [out] from U(±1/√in). One fused autograd node.
/// </summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer; random initialisation draws from <paramref name="generator"/> (default <see cref="Generator.Default"/>).</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    {
        if (inFeatures < 0) throw new ArgumentOutOfRangeException(nameof(inFeatures), inFeatures, "Linear: in_features must be non-negative.");
        if (outFeatures < 0) throw new ArgumentOutOfRangeException(nameof(outFeatures), outFeatures, "Linear: out_features must be non-negative.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Tensor.Zeros(new Shape(outFeatures, inFeatures), dtype));
        Init.KaimingUniform(Weight, Math.Sqrt(5), generator: generator);
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Zeros(new Shape(outFeatures), dtype));
            double bound = inFeatures > 0 ? 1 / Math.Sqrt(inFeatures) : 0;
            Init.Uniform(Bias, -bound, bound, generator);
        }
    }

    /// <summary>Input size.</summary>
    public int InFeatures { get; }

    /// <summary>Output size.</summary>
    public int OutFeatures { get; }

    /// <summary>Weight [out_features, in_features].</summary>
    public Tensor Weight { get; }

    /// <summary>Bias [out_features], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Tensor.Linear(input, Masked(Weight), Masked(Bias));

    /// <inheritdoc/>
    public override IReadOnlyList<string> MaskableParameters => Bias is null ? ["weight"] : ["weight", "bias"];

    /// <summary>
    /// A new, independent Linear holding the weight rows <paramref name="outputs"/> and columns
    /// <paramref name="inputs"/> (and the matching bias entries) of this one; null keeps all. Indices must be
    /// strictly increasing and in range. Dtype and training mode are kept.
    /// </summary>
    public Linear Keep(IReadOnlyList<int>? outputs = null, IReadOnlyList<int>? inputs = null)
    {
        RefuseIfMasked("Keep");
        var layer = $"{TypeName}({ExtraRepr()})";
        var outs = KeptIndices.Check(layer, "outputs", OutFeatures, outputs);
        var ins = KeptIndices.Check(layer, "inputs", InFeatures, inputs);
        // A throwaway generator: the initial values are overwritten, and Generator.Default must not advance.
        var kept = new Linear(ins.Length, outs.Length, Bias is not null, Weight.DType, new Generator(0));
        KeptIndices.CopyInto(kept.Weight, KeptIndices.Take(KeptIndices.Take(Weight, 0, outs), 1, ins));
        if (Bias is not null) KeptIndices.CopyInto(kept.Bias, KeptIndices.Take(Bias, 0, outs));
        kept.Train(Training);
        return kept;
    }

    /// <inheritdoc/>
    public override long MultiplyAccumulates(Shape output) =>
        ModelComplexity.PerSample(output, InFeatures, batched: output.Rank > 1);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"in_features={Repr.Int(InFeatures)}, out_features={Repr.Int(OutFeatures)}, bias={Repr.Bool(Bias is not null)}";
}
