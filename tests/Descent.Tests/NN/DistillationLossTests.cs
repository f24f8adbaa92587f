using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.NN;

/// <summary>
/// The Hinton loss's parts and conventions, averaged soft targets of several teachers and the FitNets hint loss:
/// float64 finite-difference gradient checks (including logits of magnitude 30+), stability where probabilities
/// underflow, and the errors for a reduction that would divide by the class count.
/// </summary>
public class DistillationLossTests
{
    private static Tensor R(int seed, double scale, params int[] shape) =>
        Tensor.Randn(new Shape(shape), DType.Float64, new Generator(seed)) * scale;

    private static Tensor Leaf(Tensor t) => t.Detach().RequiresGradInPlace();

    private static Tensor Labels(params long[] classes) => Tensor.FromArray(classes, classes.Length);

    [Theory]
    [InlineData(1.0, 0.5, 1.0)]
    [InlineData(4.0, 0.1, 3.0)]
    [InlineData(20.0, 0.0, 2.0)]
    [InlineData(2.0, 1.0, 2.0)]
    [InlineData(1.0, 0.3, 35.0)]   // logits of magnitude 30+
    public void GradientOfTheLossMatchesFiniteDifferences(double temperature, double alpha, double scale)
    {
        var loss = new HintonDistillationLoss(temperature, alpha);
        var teacher = R(2, scale, 5, 4);
        var labels = Labels(0, 3, 1, 1, 2);
        GradCheck.Assert(t => loss.Compute(t[0], teacher, labels).Loss, [Leaf(R(1, scale, 5, 4))]);
    }

    [Fact]
    public void PartsAreWeighedAsTheFormulaSays()
    {
        var student = R(3, 2, 6, 5);
        var teacher = R(4, 2, 6, 5);
        var labels = Labels(0, 1, 2, 3, 4, 0);
        const double T = 3, alpha = 0.25;
        var terms = new HintonDistillationLoss(T, alpha).Compute(student, teacher, labels);

        // Written out: CE mean over the batch; T²/B · Σ p_t (log p_t − log softmax(z_s/T)).
        var zs = student.ToDoubleArray();
        var zt = teacher.ToDoubleArray();
        double ce = 0, kl = 0;
        for (int b = 0; b < 6; b++)
        {
            var s = zs.AsSpan(b * 5, 5).ToArray();
            var t = zt.AsSpan(b * 5, 5).ToArray();
            ce -= LogSoftmax(s, 1)[(int)labels.ToDoubleArray()[b]];
            var ls = LogSoftmax(s, T);
            var lt = LogSoftmax(t, T);
            for (int c = 0; c < 5; c++) kl += Math.Exp(lt[c]) * (lt[c] - ls[c]);
        }
        ce /= 6;
        kl /= 6;
        Assert.Equal(ce, terms.HardLoss.Item(), 1e-12);
        Assert.Equal(T * T * kl, terms.SoftLoss.Item(), 1e-12);
        Assert.Equal(alpha * ce + (1 - alpha) * T * T * kl, terms.Loss.Item(), 1e-12);
        // The older tuple form keeps the KL without T².
        Assert.Equal(kl, new HintonDistillationLoss(T, alpha).Forward(student, teacher, labels).KL.Item(), 1e-12);
    }

    [Fact]
    public void LabelSmoothingAppliesToTheHardTermOnly()
    {
        var student = R(3, 2, 6, 5);
        var teacher = R(4, 2, 6, 5);
        var labels = Labels(0, 1, 2, 3, 4, 0);
        var plain = new HintonDistillationLoss(3, 0.25).Compute(student, teacher, labels);
        var smoothed = new HintonDistillationLoss(3, 0.25) { LabelSmoothing = 0.1 }.Compute(student, teacher, labels);
        Assert.Equal(Functional.CrossEntropy(student, labels, labelSmoothing: 0.1).Item(), smoothed.HardLoss.Item(), 1e-14);
        Assert.NotEqual(plain.HardLoss.Item(), smoothed.HardLoss.Item(), 1e-6);
        Assert.Equal(plain.SoftLoss.Item(), smoothed.SoftLoss.Item());
        Assert.Throws<ArgumentOutOfRangeException>(() => new HintonDistillationLoss { LabelSmoothing = 1.5 });
    }

    [Fact]
    public void TeacherProbabilitiesThatUnderflowContributeNothing()
    {
        // Row-wise the teacher's top logit exceeds the rest by 1000: softmax is exactly one-hot in float64 and float32.
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var teacher = Tensor.FromArray([1000.0, 0, 0, 0, 1000, 0], 2, 3).To(dtype);
            var student = Leaf(Tensor.FromArray([40.0, -40, 3, -35, 38, 0], 2, 3).To(dtype));
            var terms = new HintonDistillationLoss(1, 0).Compute(student, teacher, Labels(0, 1));
            terms.Loss.Backward();
            Assert.True(double.IsFinite(terms.Loss.Item()), $"{dtype}: loss {terms.Loss.Item()}");
            Assert.All(student.Grad!.ToDoubleArray(), g => Assert.True(double.IsFinite(g)));
            // One-hot teacher: KL = −log softmax(z_s)[top] per row.
            double expected = (-LogSoftmax([40, -40, 3], 1)[0] - LogSoftmax([-35, 38, 0], 1)[1]) / 2;
            Assert.Equal(expected, terms.SoftLoss.Item(), dtype == DType.Float64 ? 1e-12 : 1e-4);
        }
    }

    [Fact]
    public void SeveralTeachersAverageTheirProbabilities()
    {
        var a = R(5, 3, 4, 6);
        var b = R(6, 3, 4, 6);
        const double T = 2;
        var averaged = Functional.SoftTargets([a, b], T).ToDoubleArray();
        var pa = Functional.SoftTargets(a, T).ToDoubleArray();
        var pb = Functional.SoftTargets(b, T).ToDoubleArray();
        for (int i = 0; i < averaged.Length; i++)
            Assert.Equal(Math.Log((Math.Exp(pa[i]) + Math.Exp(pb[i])) / 2), averaged[i], 1e-12);

        var student = R(7, 3, 4, 6);
        var labels = Labels(1, 2, 3, 4);
        var loss = new HintonDistillationLoss(T, 0.2);
        var both = loss.Compute(student, [a, b], labels);
        var given = loss.ComputeWithSoftTargets(student, Functional.SoftTargets([a, b], T), labels);
        Assert.Equal(given.Loss.Item(), both.Loss.Item(), 1e-14);
        Assert.NotEqual(loss.Compute(student, a, labels).Loss.Item(), both.Loss.Item(), 1e-6);
        GradCheck.Assert(t => loss.Compute(t[0], [a, b], labels).Loss, [Leaf(student)]);
        // A single teacher's ensemble is that teacher.
        Assert.Equal(pa, Functional.SoftTargets([a], T).ToDoubleArray());
    }

    [Fact]
    public void TeachersOfOtherClassCountsAreRejectedByIndex()
    {
        var ex = Assert.Throws<ArgumentException>(() => Functional.SoftTargets([R(1, 1, 2, 3), R(2, 1, 2, 3), R(3, 1, 2, 4)], 2));
        Assert.Contains("teacher 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 4]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Functional.SoftTargets(Array.Empty<Tensor>(), 2));
        var shape = Assert.Throws<ArgumentException>(() => new HintonDistillationLoss().Compute(R(1, 1, 2, 3), R(2, 1, 2, 4), Labels(0, 1)));
        Assert.Contains("[2, 3]", shape.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Reduction.Mean, "class count")]
    [InlineData(Reduction.Sum, "'sum'")]
    [InlineData(Reduction.None, "'none'")]
    public void OnlyBatchMeanIsOffered(Reduction reduction, string explained)
    {
        var ex = Assert.Throws<ArgumentException>(() => new HintonDistillationLoss(4, 0.1, reduction));
        Assert.Contains($"reduction '{reduction.TorchName()}' is not offered", ex.Message, StringComparison.Ordinal);
        Assert.Contains(explained, ex.Message, StringComparison.Ordinal);
        Assert.Equal(Reduction.BatchMean, new HintonDistillationLoss(4, 0.1, Reduction.BatchMean).Reduction);
    }

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(-1.0, 0.5)]
    [InlineData(double.PositiveInfinity, 0.5)]
    [InlineData(4.0, 1.5)]
    [InlineData(4.0, double.NaN)]
    public void OutOfRangeSettingsAreRejected(double temperature, double alpha) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new HintonDistillationLoss(temperature, alpha));

    [Fact]
    public void HintLossPicksItsRegressorFromTheShapes()
    {
        Assert.IsType<Linear>(new HintLoss(new Shape(8), new Shape(12)).Regressor);
        var conv = Assert.IsType<Conv2d>(new HintLoss(new Shape(4, 5, 5), new Shape(6, 5, 5)).Regressor);
        Assert.Equal((1, 1), (conv.KernelSize.H, conv.KernelSize.W));
        var same = new HintLoss(new Shape(4, 5, 5), new Shape(4, 5, 5));
        Assert.Null(same.Regressor);
        Assert.Empty(same.Parameters());
        var spatial = Assert.Throws<ArgumentException>(() => new HintLoss(new Shape(4, 6, 6), new Shape(8, 3, 3)));
        Assert.Contains("[4, 6, 6]", spatial.Message, StringComparison.Ordinal);
        Assert.Contains("height × width", spatial.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new HintLoss(new Shape(8), new Shape(2, 2, 2)));
        var batch = Assert.Throws<ArgumentException>(() => new HintLoss(new Shape(8), new Shape(12)).Compute(R(1, 1, 3, 7), R(2, 1, 3, 12)));
        Assert.Contains("[3, 7]", batch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HintLossGradientsReachStudentAndRegressorButNotTheTeacher()
    {
        var linear = new HintLoss(new Shape(5), new Shape(3), DType.Float64, new Generator(1));
        var teacher = Leaf(R(9, 1, 4, 3));
        var student = Leaf(R(8, 1, 4, 5));
        GradCheck.Assert(t => linear.Compute(t[0], teacher), [student]);
        var weight = ((Linear)linear.Regressor!).Weight;
        GradCheck.Assert(_ => linear.Compute(student, teacher), [weight]);
        teacher.Grad = null;
        linear.Compute(student, teacher).Backward();
        Assert.Null(teacher.Grad);

        var conv = new HintLoss(new Shape(2, 3, 3), new Shape(4, 3, 3), DType.Float64, new Generator(2));
        GradCheck.Assert(t => conv.Compute(t[0], R(10, 1, 2, 4, 3, 3)), [Leaf(R(11, 1, 2, 2, 3, 3))]);

        // Without a regressor the loss is the plain MSE.
        var identity = new HintLoss(new Shape(3), new Shape(3));
        var a = R(12, 1, 2, 3);
        var b = R(13, 1, 2, 3);
        Assert.Equal(Functional.MseLoss(a, b).Item(), identity.Compute(a, b).Item());
    }

    private static double[] LogSoftmax(double[] z, double temperature)
    {
        double max = z.Max() / temperature;
        double sum = z.Sum(v => Math.Exp(v / temperature - max));
        return [.. z.Select(v => v / temperature - max - Math.Log(sum))];
    }
}
