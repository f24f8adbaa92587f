using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Tensors.Autograd;

/// <summary>User-defined autograd functions (<see cref="Function"/>): engine integration, rules and errors.</summary>
public class FunctionTests
{
    /// <summary>y = a·b with broadcasting; backward returns gradients in the output's shape for the engine to reduce.</summary>
    private sealed class BroadcastMul : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0], inputs[1]);
            return inputs[0] * inputs[1];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var (a, b) = (ctx.SavedTensors[0]!, ctx.SavedTensors[1]!);
            return [ctx.NeedsInputGrad(0) ? gradOutput * b : null, ctx.NeedsInputGrad(1) ? gradOutput * a : null];
        }
    }

    /// <summary>Records what the function saw; backward returns whatever <see cref="Grads"/> says.</summary>
    private sealed class Probe(Func<FunctionContext, Tensor, Tensor?[]?> grads) : Function
    {
        public bool? GradModeInForward, GradModeInBackward;
        public Tensor? ForwardResult;
        public bool[]? NeedsGrad;

        public Func<Tensor[], Tensor?> Output { get; init; } = inputs => inputs[0] * 1.0;

        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            GradModeInForward = GradMode.IsEnabled;
            NeedsGrad = Enumerable.Range(0, ctx.InputCount).Select(ctx.NeedsInputGrad).ToArray();
            ForwardResult = Output(inputs);
            return ForwardResult!;
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            GradModeInBackward = GradMode.IsEnabled;
            return grads(ctx, gradOutput)!;
        }
    }

    private static Tensor Leaf(Shape shape, DType dtype = DType.Float64, double start = 0.5)
    {
        var t = Tensor.Arange(start, start + shape.Numel, 1, dtype).Reshape(shape.ToArray()) * 0.25;
        return t.Detach().RequiresGradInPlace();
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 12);
    }

    [Fact]
    public void BroadcastGradientsAreReducedByTheEngineAndPassGradCheck()
    {
        var a = Leaf(new Shape(2, 3));
        var b = Leaf(new Shape(3), start: -1);
        GradCheck.Assert(xs => new BroadcastMul().Apply(xs[0], xs[1]), [a, b]);

        a.Grad = b.Grad = null;
        (new BroadcastMul().Apply(a, b) * a).Sum().Backward();
        Assert.Equal(new Shape(3), b.Grad!.Shape);
        var expected = (a * a).Detach().Sum(0).ToDoubleArray();
        AssertClose(expected, b.Grad.ToDoubleArray());
    }

    [Fact]
    public void ForwardAndBackwardRunWithGradModeOffAndTheNodeIsNamedAfterTheFunction()
    {
        var probe = new Probe((_, g) => [g]);
        var x = Leaf(new Shape(4));
        var y = probe.Apply(x);
        Assert.False(probe.GradModeInForward);
        Assert.Null(probe.ForwardResult!.GradFn);
        Assert.Equal("ProbeBackward", y.GradFn!.Name);
        Assert.True(y.RequiresGrad);

        y.Sum().Backward();
        Assert.False(probe.GradModeInBackward);
        Assert.Equal([1.0, 1, 1, 1], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void NeedsInputGradFollowsRequiresGradAndGradMode()
    {
        var x = Leaf(new Shape(2));
        var constant = Tensor.Ones(new Shape(2), DType.Float64);
        var probe = new Probe((ctx, g) => [g, ctx.NeedsInputGrad(1) ? g : null]) { Output = inputs => inputs[0] + inputs[1] };
        probe.Apply(x, constant).Sum().Backward();
        Assert.Equal([true, false], probe.NeedsGrad!);
        Assert.Null(constant.Grad);

        Tensor y;
        using (GradMode.Disable()) y = probe.Apply(x, constant);
        Assert.Equal([false, false], probe.NeedsGrad!);
        Assert.Null(y.GradFn);
        Assert.False(y.RequiresGrad);
    }

    [Fact]
    public void GradientsFlowThroughNonLeafInputsAndAreConvertedToTheInputDType()
    {
        var x = Leaf(new Shape(3), DType.Float32);
        var probe = new Probe((_, g) => [g.To(DType.Float64) * 2.0]);
        probe.Apply(x * 3).Sum().Backward();
        Assert.Equal(DType.Float32, x.Grad!.DType);
        Assert.Equal([6.0, 6, 6], x.Grad.ToDoubleArray());
    }

    [Fact]
    public void AnOutputSharingTheInputsMemoryGetsItsOwnTensorObject()
    {
        var x = Leaf(new Shape(3));
        var probe = new Probe((_, g) => [g]) { Output = inputs => inputs[0] };
        var y = probe.Apply(x);
        Assert.NotSame(x, y);
        Assert.True(x.IsLeaf);
        Assert.Same(x.Storage, y.Storage);
        (y * y).Sum().Backward();
        Assert.Equal((x * 2).Detach().ToDoubleArray(), x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void NonFloatOutputsAreNotDifferentiable()
    {
        var x = Leaf(new Shape(3));
        var probe = new Probe((_, g) => [g]) { Output = inputs => Tensor.Gt(inputs[0], 0.5) };
        var y = probe.Apply(x);
        Assert.Equal(DType.Bool, y.DType);
        Assert.Null(y.GradFn);
    }

    [Fact]
    public void WrongGradientCountShapeOrDTypeIsAClearError()
    {
        var a = Leaf(new Shape(2, 3));
        var b = Leaf(new Shape(3));

        var tooFew = new Probe((_, g) => [g]) { Output = i => i[0] * i[1] };
        var e = Assert.Throws<InvalidOperationException>(() => tooFew.Apply(a, b).Sum().Backward());
        Assert.Equal("ProbeBackward: Backward returned 1 gradient(s) for 2 input(s); return one per input of Apply, null where there is none.", e.Message);

        var wrongShape = new Probe((_, g) => [g, g.Sum(1)]) { Output = i => i[0] * i[1] };
        e = Assert.Throws<InvalidOperationException>(() => wrongShape.Apply(a, b).Sum().Backward());
        Assert.Contains("ProbeBackward: the gradient of input 1 has shape [2], but the input has shape [3]", e.Message);

        var integer = new Probe((_, g) => [Tensor.Gt(g, 0)]);
        e = Assert.Throws<InvalidOperationException>(() => integer.Apply(a).Sum().Backward());
        Assert.Contains("the gradient of input 0 is bool [2, 3]; gradients must be float32 or float64", e.Message);

        var none = new Probe((_, _) => null);
        e = Assert.Throws<InvalidOperationException>(() => none.Apply(a).Sum().Backward());
        Assert.Contains("ProbeBackward: Backward returned null", e.Message);
    }

    [Fact]
    public void NullInputsAndNullOutputsAreRejected()
    {
        var x = Leaf(new Shape(2));
        var e = Assert.Throws<ArgumentException>(() => new Probe((_, g) => [g]).Apply(x, null!));
        Assert.Contains("Probe.Apply: input 1 is null", e.Message);
        var nullOutput = new Probe((_, g) => [g]) { Output = _ => null };
        Assert.Contains("Probe.Forward returned null", Assert.Throws<InvalidOperationException>(() => nullOutput.Apply(x)).Message);
    }

    [Fact]
    public void AttributesCarryNonTensorValuesToBackward()
    {
        var x = Leaf(new Shape(2));
        double seen = 0;
        var probe = new AttributeFunction(ctx => seen = ctx.Get<double>("scale"));
        probe.Apply(x).Sum().Backward();
        Assert.Equal(2.5, seen);
        Assert.Equal([2.5, 2.5], x.Grad!.ToDoubleArray());

        var missing = new AttributeFunction(ctx => ctx.Get<double>("alpha"));
        var e = Assert.Throws<KeyNotFoundException>(() => missing.Apply(x).Sum().Backward());
        Assert.Equal("AttributeFunction: no attribute 'alpha' was set in Forward (set: scale).", e.Message);
        var wrongType = new AttributeFunction(ctx => ctx.Get<int>("scale"));
        Assert.Contains("attribute 'scale' is Double, not Int32", Assert.Throws<InvalidCastException>(() => wrongType.Apply(x).Sum().Backward()).Message);
    }

    private sealed class AttributeFunction(Action<FunctionContext> read) : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.Set("scale", 2.5);
            return inputs[0] * 2.5;
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            read(ctx);
            return [gradOutput * ctx.Get<double>("scale")];
        }
    }

    [Fact]
    public void NeedsInputGradRejectsAnUnknownInput()
    {
        var probe = new Probe((ctx, g) => [g, ctx.NeedsInputGrad(2) ? g : null]) { Output = i => i[0] + i[1] };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => probe.Apply(Leaf(new Shape(2)), Leaf(new Shape(2))).Sum().Backward());
        Assert.Contains("Probe: input 2 does not exist; the call has 2 input(s).", e.Message);
    }

    [Fact]
    public void InsideAStepScopeResultsAndSavedTensorsArePooledAndLeafGradientsSurvive()
    {
        var a = Leaf(new Shape(2, 3));
        var b = Leaf(new Shape(3));
        Tensor inside;
        using (StepScope.Begin())
        {
            inside = new BroadcastMul().Apply(a, b);
            inside.Sum().Backward();
        }
        Assert.Throws<ObjectDisposedException>(() => inside.ToDoubleArray());
        AssertClose(a.Detach().Sum(0).ToDoubleArray(), b.Grad!.ToDoubleArray());
    }

    [Fact]
    public void TheGraphCannotBeUsedTwiceUnlessRetained()
    {
        var x = Leaf(new Shape(2));
        var y = new BroadcastMul().Apply(x, x).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        Assert.Equal((x * 4).Detach().ToDoubleArray(), x.Grad!.ToDoubleArray());
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("backward through the graph a second time", e.Message);
    }
}
