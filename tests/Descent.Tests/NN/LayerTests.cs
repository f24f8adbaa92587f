using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.NN;

public class LayerTests
{
    private static Tensor R(int seed, params int[] shape) => Tensor.Randn(new Shape(shape), DType.Float64, new Generator(seed));

    [Fact]
    public void DropoutIsInvertedInTrainingAndTheIdentityInEvaluation()
    {
        var d = new Dropout(0.25, new Generator(1));
        var x = Tensor.Ones(new Shape(200, 100), DType.Float64);
        var y = d.Call(x).ToDoubleArray();
        double kept = y.Count(v => v != 0) / (double)y.Length;
        Assert.Equal(0.75, kept, 0.01);
        Assert.All(y, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.75) < 1e-15));
        d.Eval();
        Assert.Equal(x.ToDoubleArray(), d.Call(x).ToDoubleArray());
    }

    [Fact]
    public void DropoutBackwardUsesTheSameMask()
    {
        var gen = new Generator(5);
        var d = new Dropout(0.4, gen);
        GradCheck.Assert(t =>
        {
            gen.ManualSeed(5);
            return d.Call(t[0]);
        }, [R(2, 6, 7).RequiresGradInPlace()]);
    }

    [Fact]
    public void IdentityAndFlattenPassGradientsThrough()
    {
        var x = R(3, 2, 3, 4).RequiresGradInPlace();
        GradCheck.Assert(t => new Identity().Call(t[0]) * 2.0, [x]);
        GradCheck.Assert(t => new Flatten(0, 1).Call(t[0]), [x]);
    }

    [Fact]
    public void LstmInterLayerDropoutGradChecksWithAFixedMask()
    {
        var gen = new Generator(11);
        var lstm = new LSTM(3, 4, numLayers: 2, dropout: 0.3, dtype: DType.Float64, generator: gen);
        var x = R(4, 5, 2, 3).RequiresGradInPlace();
        GradCheck.Assert(t =>
        {
            gen.ManualSeed(11);
            return lstm.Call(t[0]);
        }, [x, .. lstm.Parameters()]);
        lstm.Eval();
        Assert.Equal(lstm.Call(x).ToDoubleArray(), lstm.Call(x).ToDoubleArray());
    }

    [Fact]
    public void AttentionDropoutGradChecksWithAFixedMask()
    {
        var gen = new Generator(12);
        var mha = new MultiheadAttention(4, 2, dropout: 0.2, dtype: DType.Float64, generator: gen);
        var q = R(5, 3, 2, 4).RequiresGradInPlace();
        GradCheck.Assert(t =>
        {
            gen.ManualSeed(12);
            return mha.Call(t[0]);
        }, [q, .. mha.Parameters()]);
    }

    [Fact]
    public void DefaultInitialisationFollowsPyTorchBoundsAndIsSeeded()
    {
        var a = new Linear(50, 30, generator: new Generator(3));
        var b = new Linear(50, 30, generator: new Generator(3));
        var c = new Linear(50, 30, generator: new Generator(4));
        double bound = 1 / Math.Sqrt(50);
        Assert.All(a.Weight.ToDoubleArray(), v => Assert.InRange(v, -bound, bound));
        Assert.All(a.Bias!.ToDoubleArray(), v => Assert.InRange(v, -bound, bound));
        Assert.Equal(a.Weight.ToDoubleArray(), b.Weight.ToDoubleArray());
        Assert.NotEqual(a.Weight.ToDoubleArray(), c.Weight.ToDoubleArray());

        var conv = new Conv2d(6, 4, 3, groups: 2, generator: new Generator(5));
        double cb = 1 / Math.Sqrt(3 * 3 * 3);
        Assert.All(conv.Weight.ToDoubleArray(), v => Assert.InRange(v, -cb, cb));
        Assert.True(conv.Weight.ToDoubleArray().Max() > 0.9 * cb);

        var t = new ConvTranspose2d(4, 6, 2, groups: 2, generator: new Generator(6));
        Assert.Equal(new Shape(4, 3, 2, 2), t.Weight.Shape);
        Assert.All(t.Bias!.ToDoubleArray(), v => Assert.InRange(v, -1 / Math.Sqrt(12), 1 / Math.Sqrt(12)));

        var emb = new Embedding(5, 3, paddingIdx: -2, generator: new Generator(7));
        Assert.Equal(3, emb.PaddingIdx);
        Assert.Equal([0.0, 0, 0], emb.Weight.Narrow(0, 3, 1).ToDoubleArray());

        var lstm = new LSTM(3, 4, generator: new Generator(8));
        Assert.All(lstm.Parameters().SelectMany(p => p.ToDoubleArray()), v => Assert.InRange(v, -0.5, 0.5));
        Assert.Equal(["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"], lstm.NamedParameters().Select(p => p.Name));

        var mha = new MultiheadAttention(6, 3, kdim: 4, vdim: 5, addBiasKv: true, generator: new Generator(9));
        Assert.Equal(["q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias", "bias_k", "bias_v", "out_proj.weight", "out_proj.bias"],
            mha.StateDict().Keys);
        Assert.All(mha.StateDict()["in_proj_bias"].ToDoubleArray(), v => Assert.Equal(0, v));
    }

    [Fact]
    public void BidirectionalLstmNamesAndShapes()
    {
        var lstm = new LSTM(3, 4, numLayers: 2, batchFirst: true, bidirectional: true);
        Assert.Contains("weight_ih_l1_reverse", lstm.NamedParameters().Select(p => p.Name));
        Assert.Equal(new Shape(16, 8), lstm.StateDict()["weight_ih_l1"].Shape);
        var (output, hn, cn) = lstm.Forward(Tensor.Zeros(2, 5, 3), null, null);
        Assert.Equal(new Shape(2, 5, 8), output.Shape);
        Assert.Equal(new Shape(4, 2, 4), hn.Shape);
        Assert.Equal(new Shape(4, 2, 4), cn.Shape);
        var e = Assert.Throws<ArgumentException>(() => lstm.Call(Tensor.Zeros(2, 5, 4)));
        Assert.Contains("input_size 3", e.Message);
    }

    [Fact]
    public void ShapeErrorsNameTheOperands()
    {
        var e = Assert.Throws<ArgumentException>(() => new Linear(4, 2).Call(Tensor.Zeros(3, 5)));
        Assert.Contains("[3, 5]", e.Message);
        var m = Assert.Throws<ArgumentException>(() => new MultiheadAttention(4, 2).Call(Tensor.Zeros(3, 2, 5)));
        Assert.Contains("embed_dim 4", m.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MultiheadAttention(6, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(3, 4, 3, groups: 2));
    }

    [Fact]
    public void SummaryOfACnnListsEveryLayer()
    {
        var model = new Sequential(new Conv2d(1, 4, 3, padding: 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(4 * 4 * 4, 10));
        var text = model.Summary(2, 1, 8, 8);
        Assert.Contains("0 (Conv2d)", text);
        Assert.Contains("[2, 4, 8, 8]", text);
        Assert.Contains("[2, 4, 4, 4]", text);
        Assert.Contains("[2, 64]", text);
        Assert.Contains("5 (Linear)", text);
        Assert.Contains("650", text);
        Assert.Contains($"Total params: {4 * 9 + 4 + 8 + 650}", text);
        Assert.True(model.Training);
    }
}
