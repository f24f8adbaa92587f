using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.NN;

public class LossTests
{
    private static Tensor R(int seed, params int[] shape) => Tensor.Randn(new Shape(shape), DType.Float64, new Generator(seed));

    private static Tensor Leaf(Tensor t) => t.Detach().RequiresGradInPlace();

    public static TheoryData<string> PointwiseLosses => new() { "mse", "l1", "smooth_l1", "huber", "bce_logits", "kl", "kl_log" };

    private static Tensor Apply(string name, Tensor x, Tensor y, Reduction r) => name switch
    {
        "mse" => Functional.MseLoss(x, y, r),
        "l1" => Functional.L1Loss(x, y, r),
        "smooth_l1" => Functional.SmoothL1Loss(x, y, r, 0.6),
        "huber" => Functional.HuberLoss(x, y, r, 0.8),
        "bce_logits" => Functional.BinaryCrossEntropyWithLogits(x, y.Sigmoid(), Tensor.FromArray([0.5, 2.0, 1.5], 3), Tensor.FromArray([3.0, 0.5, 1], 3), r),
        "kl" => Functional.KLDiv(x, y.Sigmoid(), r == Reduction.Mean ? Reduction.BatchMean : r),
        _ => Functional.KLDiv(x, y, r, logTarget: true),
    };

    [Theory]
    [MemberData(nameof(PointwiseLosses))]
    public void GradientsReachInputAndTargetInEveryReduction(string name)
    {
        foreach (var r in new[] { Reduction.None, Reduction.Mean, Reduction.Sum })
        {
            var x = Leaf(R(1, 4, 3));
            var y = Leaf(R(2, 4, 3));
            GradCheck.Assert(t => Apply(name, t[0], t[1], r), [x, y]);
        }
    }

    [Fact]
    public void BceGradCheckInsideTheUnitInterval()
    {
        var x = Leaf(R(3, 5, 2).Sigmoid());
        var y = Leaf(R(4, 5, 2).Sigmoid());
        var w = Tensor.FromArray([0.3, 2.0], 2);
        GradCheck.Assert(t => Functional.BinaryCrossEntropy(t[0], t[1], w, Reduction.Sum), [x, y]);
    }

    [Fact]
    public void MeanReductionsAverageAndBatchMeanDividesByTheBatch()
    {
        var x = R(5, 4, 3);
        var y = R(6, 4, 3);
        Assert.Equal(Functional.MseLoss(x, y, Reduction.Sum).Item() / 12, Functional.MseLoss(x, y).Item(), 14);
        var lx = x.LogSoftmaxViaLse();
        Assert.Equal(Functional.KLDiv(lx, y, Reduction.Sum, true).Item() / 4, Functional.KLDiv(lx, y, Reduction.BatchMean, true).Item(), 14);
        Assert.Throws<ArgumentException>(() => Functional.MseLoss(x, y, Reduction.BatchMean));
        Assert.Throws<ArgumentException>(() => new MSELoss(Reduction.BatchMean));
    }

    [Fact]
    public void BceNamesTheOffendingValueAndPosition()
    {
        var x = Tensor.FromArray(new double[,] { { 0.5, 0.2 }, { 1.25, 0.1 } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BCELoss().Call(x, Tensor.ZerosLike(x)));
        Assert.Contains("binary_cross_entropy", e.Message);
        Assert.Contains("1.25", e.Message);
        Assert.Contains("[1, 0]", e.Message);
        var nan = Tensor.FromArray([double.NaN], 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.BinaryCrossEntropy(nan, Tensor.ZerosLike(nan)));
    }

    [Fact]
    public void ClassIndexOutOfRangeAndBatchMismatchAreNamed()
    {
        var logp = R(7, 3, 4);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new NLLLoss().Call(logp, Tensor.FromArray([0L, 4, 1], 3)));
        Assert.Contains("nll_loss", e.Message);
        Assert.Contains("target 4", e.Message);
        Assert.Contains("[1]", e.Message);
        Assert.Contains("4 classes", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.NllLoss(logp, Tensor.FromArray([0L, -1, 1], 3)));
        var b = Assert.Throws<ArgumentException>(() => Functional.NllLoss(logp, Tensor.FromArray([0L, 1], 2)));
        Assert.Contains("batch size 3", b.Message);
        Assert.Contains("target batch size 2", b.Message);
        var s = Assert.Throws<ArgumentException>(() => Functional.MseLoss(R(1, 4, 1), R(2, 4)));
        Assert.Contains("mse_loss: input [4, 1] and target [4]", s.Message);
        Assert.Throws<ArgumentException>(() => Functional.NllLoss(logp, Tensor.FromArray([0.0, 1, 2], 3)));
    }

    [Fact]
    public void IgnoredTargetsCountForNothingAndAllIgnoredIsNaN()
    {
        var logp = Leaf(R(8, 3, 4));
        var t = Tensor.FromArray([2L, -100, 1], 3);
        double expected = -(logp[0, 2] + logp[2, 1]) / 2;
        var loss = Functional.NllLoss(logp, t);
        Assert.Equal(expected, loss.Item(), 14);
        loss.Backward();
        Assert.All(Enumerable.Range(0, 4), c => Assert.Equal(0, logp.Grad![1, c]));
        Assert.Equal(-0.5, logp.Grad![0, 2]);
        Assert.True(double.IsNaN(Functional.NllLoss(logp, Tensor.FromArray([-100L, -100, -100], 3)).Item()));
    }

    [Fact]
    public void NllWithExtraDimsGradChecks()
    {
        var logp = Leaf(R(9, 2, 3, 2, 2));
        var t = Tensor.FromArray(new long[] { 0, 2, 1, 1, 2, 0, 0, 1 }, 2, 2, 2);
        var w = Tensor.FromArray([0.5, 1.5, 2.0], 3);
        foreach (var r in new[] { Reduction.None, Reduction.Mean, Reduction.Sum })
            GradCheck.Assert(x => Functional.NllLoss(x[0], t, w, 1, r), [logp]);
    }

    [Fact]
    public void Float32LossesAgreeWithFloat64()
    {
        var x = R(10, 6, 3);
        var y = R(11, 6, 3);
        foreach (var name in new[] { "mse", "l1", "smooth_l1", "huber", "bce_logits", "kl_log" })
        {
            double d = Apply(name, x, y, Reduction.Mean).Item();
            double f = Apply(name, x.To(DType.Float32), y.To(DType.Float32), Reduction.Mean).Item();
            Assert.True(Math.Abs(d - f) <= 1e-5 * (1 + Math.Abs(d)), $"{name}: {f} vs {d}");
        }
    }
}

internal static class LossTestExtensions
{
    /// <summary>log_softmax over the last dim from primitives (independent of the fused kernels).</summary>
    public static Tensor LogSoftmaxViaLse(this Tensor x) => x - x.LogSumExp(-1, keepDim: true);
}
