using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Tests.Fixtures;

namespace Descent.Tests.NN;

/// <summary>
/// Every case of layers.json, activations.json and losses.json (PyTorch 1.13 golden values), run in Float64 at
/// the README tolerance |a−b| ≤ 1e-10 + 1e-8·|b| and in Float32 at 1e-5 + 1e-4·|b|: outputs, input gradients,
/// parameter gradients and buffers after the forward pass. Each case is also gradient-checked in Float64.
/// </summary>
[Trait("Category", "Fixtures")]
[FixtureReader("layers.json")]
[FixtureReader("activations.json")]
[FixtureReader("losses.json")]
public class ModuleFixtureTests
{
    private static readonly string[] Files = ["layers.json", "activations.json", "losses.json"];

    /// <summary>(file, case) for every case, enumerated at discovery.</summary>
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var f in Files)
            foreach (var c in ModuleFixtures.Cases(f))
                data.Add(f, c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64MatchesPyTorch(string file, string name) => FixtureRunner.Run(ModuleFixtures.Case(file, name), DType.Float64);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32MatchesPyTorch(string file, string name) => FixtureRunner.Run(ModuleFixtures.Case(file, name), DType.Float32);

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardPassesGradCheck(string file, string name) =>
        FixtureRunner.GradCheck(ModuleFixtures.Case(file, name), shiftKinks: file == "activations.json");
}

/// <summary>Runs one fixture case and compares everything it records.</summary>
public static class FixtureRunner
{
    /// <summary>Builds, loads, runs forward and backward, and compares with the case in <paramref name="dtype"/>.</summary>
    public static void Run(ModuleCase c, DType dtype)
    {
        var subject = FixtureSubject.Build(c, dtype);
        var inputs = Prepare(c, subject, dtype, shiftKinks: false);

        var outputs = subject.Run(inputs);
        Assert.Equal(c.Outputs.Keys.Order(), outputs.Keys.Order());
        foreach (var (name, expected) in c.Outputs)
            Compare(c, $"output '{name}'", expected, outputs[name], dtype);

        Tensor? loss = null;
        foreach (var (name, go) in c.GradOutputs)
        {
            var term = (outputs[name] * ModuleFixtures.ParseTensor(go, outputs[name].DType)).Sum();
            loss = loss is null ? term : loss + term;
        }
        Assert.NotNull(loss);
        loss!.Backward();

        foreach (var (name, expected) in c.GradInputs)
            Compare(c, $"grad of input '{name}'", expected, inputs[name].Grad ?? Tensor.ZerosLike(inputs[name]), dtype);
        var parameters = subject.Module?.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter) ?? [];
        foreach (var (name, expected) in c.GradParams)
            Compare(c, $"grad of parameter '{name}'", expected, parameters[name].Grad ?? Tensor.ZerosLike(parameters[name]), dtype);
        var buffers = subject.Module?.NamedBuffers().ToDictionary(b => b.Name, b => b.Buffer) ?? [];
        Assert.Equal(c.BuffersAfter.Keys.Order(), buffers.Keys.Order());
        foreach (var (name, expected) in c.BuffersAfter)
            Compare(c, $"buffer '{name}' after forward", expected, buffers[name], dtype);
    }

    /// <summary>
    /// Finite-difference check of the module's backward at the case's point (Float64) on L = Σ outputs·grad_outputs,
    /// with respect to every float input that requires grad and every parameter.
    /// </summary>
    public static void GradCheck(ModuleCase c, bool shiftKinks)
    {
        var subject = FixtureSubject.Build(c, DType.Float64);
        var inputs = Prepare(c, subject, DType.Float64, shiftKinks);
        if (subject.Module is Embedding { PaddingIdx: int pad } emb)
        {
            // The padding row gets no gradient by definition (not the derivative of the lookup), so finite
            // differences would disagree there; look up another row instead and check every other row.
            var idx = inputs["indices"].Clone();
            for (int i = 0; i < idx.Numel; i++)
                if ((int)idx.GetDouble(i) == pad) idx.SetDouble(i, (pad + 1) % emb.NumEmbeddings);
            inputs["indices"] = idx;
        }
        var checkedTensors = c.GradInputs.Keys.Select(k => inputs[k])
            .Concat(subject.Module?.Parameters() ?? []).ToArray();
        var grads = c.GradOutputs.ToDictionary(kv => kv.Key, kv => ModuleFixtures.ParseTensor(kv.Value, DType.Float64));
        Descent.Tensors.Autograd.GradCheck.Assert(_ =>
        {
            var outputs = subject.Run(inputs);
            Tensor? l = null;
            foreach (var (name, go) in grads)
            {
                var term = (outputs[name] * go).Sum();
                l = l is null ? term : l + term;
            }
            return l!;
        }, checkedTensors);
    }

    private static Dictionary<string, Tensor> Prepare(ModuleCase c, FixtureSubject subject, DType dtype, bool shiftKinks)
    {
        if (subject.Module is { } m)
        {
            m.Train(c.Training);
            var parameters = m.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
            Assert.True(parameters.Keys.Order().SequenceEqual(c.Params.Keys.Order()),
                $"{c.Name}: parameters [{string.Join(", ", parameters.Keys)}] vs fixture [{string.Join(", ", c.Params.Keys)}]");
            var buffers = m.NamedBuffers().ToDictionary(b => b.Name, b => b.Buffer);
            Assert.True(buffers.Keys.Order().SequenceEqual(c.Buffers.Keys.Order()),
                $"{c.Name}: buffers [{string.Join(", ", buffers.Keys)}] vs fixture [{string.Join(", ", c.Buffers.Keys)}]");
            using (GradMode.Disable())
            {
                foreach (var (name, value) in c.Params)
                {
                    var src = ModuleFixtures.ParseTensor(value, dtype);
                    Assert.Equal(src.Shape, parameters[name].Shape);
                    parameters[name].CopyFrom(src);
                    parameters[name].Grad = null;
                }
                foreach (var (name, value) in c.Buffers)
                {
                    var src = ModuleFixtures.ParseTensor(value, dtype);
                    Assert.Equal(src.Shape, buffers[name].Shape);
                    buffers[name].CopyFrom(src);
                }
            }
        }
        else
        {
            Assert.Empty(c.Params);
            Assert.Empty(c.Buffers);
        }

        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, value) in c.Inputs)
        {
            var t = ModuleFixtures.ParseTensor(value, dtype);
            if (shiftKinks && t.DType.IsFloatingPoint())
                t = (t + 0.0123).Detach(); // moves exact kinks (0, ±3, thresholds) off the finite-difference stencil
            if (c.GradInputs.ContainsKey(name)) t.RequiresGrad = true;
            inputs[name] = t;
        }
        return inputs;
    }

    private static void Compare(ModuleCase c, string what, System.Text.Json.JsonElement expectedJson, Tensor actual, DType dtype)
    {
        var expected = ModuleFixtures.ParseTensor(expectedJson, DType.Float64);
        Assert.True(expected.Shape == actual.Shape, $"{c.Name} [{dtype.TorchName()}]: {what} has shape {actual.Shape}, expected {expected.Shape}.");
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        bool exact = !expected.DType.IsFloatingPoint();
        if (exact)
            Assert.True(actual.DType == expected.DType, $"{c.Name}: {what} has dtype {actual.DType.TorchName()}, expected {expected.DType.TorchName()}.");
        double atol = dtype == DType.Float64 ? 1e-10 : 1e-5, rtol = dtype == DType.Float64 ? 1e-8 : 1e-4;
        for (int i = 0; i < e.Length; i++)
        {
            bool ok = exact ? e[i] == a[i] : Math.Abs(a[i] - e[i]) <= atol + rtol * Math.Abs(e[i]);
            Assert.True(ok, $"{c.Name} [{dtype.TorchName()}]: {what} element {i} is {a[i]:R}, expected {e[i]:R} (|diff| {Math.Abs(a[i] - e[i]):E3}).");
        }
    }
}
