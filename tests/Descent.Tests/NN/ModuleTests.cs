using Descent.NN;
using Descent.Tensors;

namespace Descent.Tests.NN;

public class ModuleTests
{
    private sealed class Scale : Module
    {
        public Scale(int n)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(new Shape(n), DType.Float64));
            Count = RegisterBuffer("count", Tensor.Zeros(new Shape(1), DType.Float64));
            RegisterBuffer("scratch", Tensor.Zeros(new Shape(1), DType.Float64), persistent: false);
        }

        public Tensor Weight { get; }
        public Tensor Count { get; }
        public override Tensor Forward(Tensor input) => input * Weight;
        public override string ExtraRepr() => $"n={Weight.Numel}";
    }

    [Fact]
    public void NamesAndOrderAreDeterministic()
    {
        var model = new Sequential(new Scale(3), new Sequential(new Scale(2)));
        Assert.Equal(["0.weight", "1.0.weight"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal(["0.weight", "0.count", "1.0.weight", "1.0.count"], model.StateDict().Keys);
        Assert.Equal(5, model.ParameterCount);
        Assert.All(model.Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void TrainAndEvalPropagate()
    {
        var inner = new Scale(1);
        var model = new Sequential(new Sequential(inner));
        model.Eval();
        Assert.False(inner.Training);
        model.Train();
        Assert.True(inner.Training);
    }

    [Fact]
    public void LoadStateDictCopiesInPlace()
    {
        var a = new Sequential(new Scale(2));
        var b = new Sequential(new Scale(2));
        var w = ((Scale)b[0]).Weight;
        a.StateDict()["0.weight"].CopyFrom(Tensor.FromArray([3.0, 4], 2));
        b.LoadStateDict(a.StateDict());
        Assert.Same(w, ((Scale)b[0]).Weight);
        Assert.Equal([3, 4], w.ToDoubleArray());
    }

    [Fact]
    public void LoadStateDictNamesEveryProblemAndLoadsNothing()
    {
        var model = new Sequential(new Scale(2));
        var state = new StateDict();
        state.Add("0.weight", Tensor.Zeros(new Shape(3), DType.Float64));
        state.Add("0.extra", Tensor.Zeros(new Shape(1), DType.Float64));
        var e = Assert.Throws<InvalidOperationException>(() => model.LoadStateDict(state));
        Assert.Contains("missing keys: 0.count", e.Message);
        Assert.Contains("unexpected keys: 0.extra", e.Message);
        Assert.Contains("0.weight: checkpoint [3] vs model [2]", e.Message);
        Assert.Equal([1, 1], ((Scale)model[0]).Weight.ToDoubleArray());
    }

    [Fact]
    public void NonStrictLoadReportsSkippedKeys()
    {
        var model = new Sequential(new Scale(2));
        var state = new StateDict();
        state.Add("0.weight", Tensor.FromArray([5.0, 6], 2));
        state.Add("other", Tensor.Zeros(new Shape(1), DType.Float64));
        var result = model.LoadStateDict(state, strict: false);
        Assert.Equal(["0.count"], result.MissingKeys);
        Assert.Equal(["other"], result.UnexpectedKeys);
        Assert.Equal([5, 6], ((Scale)model[0]).Weight.ToDoubleArray());
    }

    [Fact]
    public void SummaryListsLayersShapesAndCounts()
    {
        var model = new Sequential(new Scale(4), new Scale(4));
        var text = model.Summary(2, 4);
        Assert.Contains("0 (Scale)", text);
        Assert.Contains("[2, 4]", text);
        Assert.Contains("Total params: 8", text);
    }

    [Fact]
    public void DuplicateNamesAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Duplicate());
        Assert.Contains("'w' is already registered", e.Message);
    }

    private sealed class Duplicate : Module
    {
        public Duplicate()
        {
            RegisterParameter("w", Tensor.Zeros(1));
            RegisterParameter("w", Tensor.Zeros(1));
        }

        public override Tensor Forward(Tensor input) => input;
    }
}
