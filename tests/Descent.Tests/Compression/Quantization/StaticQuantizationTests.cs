using Descent.Compression.Quantization;
using Descent.Experiments;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Compression.Quantization;

/// <summary>
/// Quantizer's static flow (prepare → calibrate → convert) and quantization-aware training on the presets: which
/// layers become int8 (BatchNorm folded, ReLU fused), that predictions agree with the float model, that the residual
/// preset runs end to end, that a QAT model trains and converts to int8 layers computing what it computed with fake
/// quantization, and the errors for a model that saw no calibration data.
/// </summary>
public class StaticQuantizationTests
{
    private static IEnumerable<Tensor> Batches(int count, Shape shape, int seed)
    {
        var g = new Generator(seed);
        for (int i = 0; i < count; i++) yield return Tensor.Rand(shape, generator: g);
    }

    private static int Agreement(Tensor a, Tensor b) =>
        a.Argmax(1).ToDoubleArray().Zip(b.Argmax(1).ToDoubleArray()).Count(p => p.First == p.Second);

    private static double RelativeError(Tensor reference, Tensor actual)
    {
        var a = reference.ToDoubleArray();
        var b = actual.ToDoubleArray();
        return Math.Sqrt(a.Zip(b).Sum(p => (p.First - p.Second) * (p.First - p.Second)) / a.Sum(v => v * v));
    }

    private static Module Trained(string preset, int seed)
    {
        // A few training-mode passes give the BatchNorms real running statistics to fold.
        var model = ModelPresets.Create(preset, generator: new Generator(seed));
        model.Train();
        using (GradMode.Disable())
            foreach (var batch in Batches(3, new Shape(32, 1, 28, 28), seed + 1)) model.Call(batch);
        model.Eval();
        return model;
    }

    [Theory]
    [InlineData("mlp", 3, 0)]
    [InlineData("mlp-bn", 3, 0)]
    [InlineData("lenet5", 4, 1)]
    [InlineData("cnn-small", 6, 0)]
    [InlineData("resnet-small", 10, 0)]
    public void PresetsQuantizeStaticallyAndAgreeWithFloat(string preset, int int8Layers, int keptFloat)
    {
        var model = Trained(preset, 7);
        var x = Tensor.Rand(new Shape(48, 1, 28, 28), generator: new Generator(8));
        Tensor reference;
        using (GradMode.Disable()) reference = model.Call(x);
        var result = Quantizer.QuantizeStatic(model, Batches(4, new Shape(32, 1, 28, 28), 9).Append(x));
        Assert.Equal(int8Layers, result.Converted.Count());
        Assert.Equal(keptFloat, result.KeptFloat.Count());
        Assert.All(result.Converted, l => Assert.Equal(l.From == "Linear" ? "QuantizedLinear" : "QuantizedConv2d", l.To));
        Assert.DoesNotContain(result.Model.NamedModules(), m => m.Module is BatchNorm or Linear or ObservedLayer || (m.Module is Conv2d c && c.OutChannels >= 16));
        Assert.All(result.KeptFloat, l => Assert.Contains("fewer than QuantizationOptions.MinConvChannels = 16", l.Note));
        Assert.False(result.Model.Training);
        Tensor y;
        using (GradMode.Disable()) y = result.Model.Call(x);
        Assert.Equal(reference.Shape, y.Shape);
        double error = RelativeError(reference, y);
        Assert.True(error < 0.1, $"{preset}: int8 output differs from float32 by {error:P2} (relative L2)");
        Assert.True(Agreement(reference, y) >= 40, $"{preset}: int8 and float32 top-1 agree on {Agreement(reference, y)} of 48 inputs");
    }

    [Fact]
    public void ReluIsFusedPastFoldedBatchNormAndStateNamesStay()
    {
        var model = Trained("cnn-small", 3);
        var result = Quantizer.QuantizeStatic(model, Batches(2, new Shape(8, 1, 28, 28), 4));
        var s = (Sequential)result.Model;
        Assert.True(((QuantizedConv2d)s[0]).Relu);
        Assert.IsType<Identity>(s[1]); // BatchNorm2d, folded
        Assert.IsType<Identity>(s[2]); // ReLU, fused
        Assert.True(((QuantizedLinear)s[15]).Relu);
        Assert.False(((QuantizedLinear)s[18]).Relu);
        var state = result.Model.StateDict();
        Assert.Equal(["0.weight", "0.weight_scale", "0.weight_zero_point", "0.bias", "0.input_scale", "0.input_zero_point"], state.Keys.Take(6));
        Assert.DoesNotContain("1.running_mean", state.Keys);
        Assert.Equal(DType.Int8, state["18.weight"].DType);
    }

    [Fact]
    public void LayersWithoutAnInt8KernelStayFloatWithANote()
    {
        var g = new Generator(2);
        var model = new Sequential(new Conv2d(4, 4, 3, padding: 1, groups: 2, generator: g), new ReLU(), new Flatten(),
            new LayerNorm([64]), new Linear(64, 3, generator: g));
        var result = Quantizer.QuantizeStatic(model, Batches(2, new Shape(5, 4, 4, 4), 3));
        Assert.Equal(["4"], result.Converted.Select(l => l.Path));
        Assert.Equal(["0", "3"], result.KeptFloat.Select(l => l.Path));
        Assert.Contains("groups=2", result.KeptFloat.First().Note);
        Assert.Contains("LayerNorm stays float", result.KeptFloat.Last().Note);
        using var _ = GradMode.Disable();
        Assert.Equal(new Shape(5, 3), result.Model.Call(Tensor.Rand(new Shape(5, 4, 4, 4), generator: g)).Shape);
    }

    [Fact]
    public void LayersWithPruningMasksStayFloatInEveryFlow()
    {
        Sequential Model()
        {
            var g = new Generator(6);
            var m = new Sequential(new Linear(6, 5, bias: false, generator: g), new BatchNorm1d(5), new ReLU(), new Linear(5, 2, generator: g));
            m[0].SetParameterMask("weight", Tensor.Ones(new Shape(5, 6)));
            return m;
        }
        var batches = Batches(2, new Shape(4, 6), 7).ToList();
        var folded = Model();
        Assert.Empty(BatchNormFolding.FoldInPlace(folded));
        var qat = Quantizer.PrepareQat(Model());
        using (GradMode.Disable()) qat.Call(batches[0]);
        var results = new[] { Quantizer.QuantizeStatic(Model(), batches), Quantizer.QuantizeDynamic(Model()), Quantizer.Convert(qat) };
        foreach (var result in results)
        {
            Assert.Equal(["3"], result.Converted.Select(l => l.Path));
            var kept = result.KeptFloat.Single(l => l.Path == "0");
            Assert.Contains("RemoveParameterMask", kept.Note);
            Assert.IsType<Linear>(result.Model.GetSubmodule("0"));
        }
    }

    [Fact]
    public void ConvertingWithoutCalibrationNamesTheLayer()
    {
        var model = new Sequential(new Linear(4, 3, generator: new Generator(1)), new ReLU(), new Linear(3, 2, generator: new Generator(2)));
        var prepared = Quantizer.PrepareStatic(model);
        Assert.IsType<ObservedLayer>(((Sequential)prepared)[0]);
        Assert.Contains("0: no input reached this layer", Assert.Throws<InvalidOperationException>(() => Quantizer.Convert(prepared)).Message);
        Assert.Contains("no calibration batches", Assert.Throws<ArgumentException>(() => Quantizer.QuantizeStatic(new Linear(2, 2), [])).Message);
        // A single layer is its own root.
        var single = Quantizer.QuantizeStatic(new Linear(5, 2, generator: new Generator(3)), Batches(1, new Shape(4, 5), 4));
        Assert.IsType<QuantizedLinear>(single.Model);
        Assert.Equal([""], single.Converted.Select(l => l.Path));
    }

    [Fact]
    public void QuantizationAwareTrainingTrainsAndConvertsToTheFakeQuantizedModel()
    {
        var g = new Generator(12);
        var model = new Sequential(new Conv2d(1, 4, 3, padding: 1, bias: false, generator: g), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(4 * 4 * 4, 16, generator: g), new ReLU(), new Linear(16, 3, generator: g));
        var parameters = model.Parameters().ToList();
        var prepared = Quantizer.PrepareQat(model, new QuantizationOptions(MinConvChannels: 4));
        Assert.Same(model, prepared);
        Assert.True(prepared.Training);
        var qat = prepared.NamedModules().Select(m => m.Module).OfType<ObservedLayer>().ToList();
        Assert.Equal(3, qat.Count);
        Assert.All(qat, l => Assert.True(l.FakeQuantize));
        Assert.Equal(["0.weight", "0.bias", "5.weight", "5.bias", "7.weight", "7.bias"], prepared.NamedParameters().Select(p => p.Name));
        Assert.Same(parameters[^1], prepared.Parameters().Last()); // the Linear's own bias tensor: optimizers stay valid
        // Learn a fixed random labelling of fixed inputs: the loss must fall through the fake-quantized forward.
        var x = Tensor.Rand(new Shape(24, 1, 8, 8), generator: g);
        var target = Tensor.FromArray(Enumerable.Range(0, 24).Select(i => (long)(i * 7 % 3)).ToArray(), 24);
        var optimizer = new Sgd(prepared.Parameters(), new SgdOptions(0.1, momentum: 0.9));
        double first = 0, last = 0;
        for (int step = 0; step < 40; step++)
        {
            optimizer.ZeroGrad();
            var loss = Functional.CrossEntropy(prepared.Call(x), target);
            loss.Backward();
            optimizer.Step();
            if (step == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(last < 0.7 * first, $"QAT loss fell from {first} to {last}");
        prepared.Eval();
        Tensor fake;
        using (GradMode.Disable()) fake = prepared.Call(x);
        var result = Quantizer.Convert(prepared);
        Assert.Equal(3, result.Converted.Count());
        Tensor y;
        using (GradMode.Disable()) y = result.Model.Call(x);
        // Same grids for inputs and weights: the int8 model computes the fake-quantized one up to float rounding.
        var a = fake.ToDoubleArray();
        var b = y.ToDoubleArray();
        double scale = a.Max(Math.Abs);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4 * scale, $"element {i}: int8 {b[i]} vs fake-quantized {a[i]}");
    }
}
