using System.Diagnostics;
using Descent.Experiments;
using Descent.NN;
using Descent.Serialization;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Tests.Interop.Onnx;

namespace Descent.Tests.Serialization;

/// <summary>A fact that runs only where Debian's python3-torch is installed (the skip message says so).</summary>
public sealed class TorchFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> Available = new(() =>
    {
        if (!File.Exists(PyTorchInteropTests.Python)) return false;
        using var p = Process.Start(new ProcessStartInfo(PyTorchInteropTests.Python, ["-c", "import torch"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        p.WaitForExit();
        return p.ExitCode == 0;
    });

    public TorchFactAttribute()
    {
        if (!Available.Value) Skip = $"python3-torch is not installed ({PyTorchInteropTests.Python} cannot import torch): PyTorch interop not checked.";
    }
}

/// <summary>
/// safetensors interop with PyTorch itself (bench/compare/load_checkpoint.py and torch_interop.py): a Descent
/// checkpoint loads into the equivalent torch.nn model with the same outputs, torch state_dicts load into the Descent
/// models, and F16/BF16 tensors round exactly as torch rounds them.
/// </summary>
public sealed class PyTorchInteropTests : IDisposable
{
    public const string Python = "/usr/bin/python3";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-torch-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private static string Script(string name) =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Architecture.LayeringTests.SourceRoot()))!, "bench", "compare", name);

    private static string RunPython(params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(Python, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"python3 {string.Join(' ', args)} exited {p.ExitCode}:\n{stdout.Result}\n{stderr}");
        return stdout.Result;
    }

    [TorchFact]
    public void DescentCheckpointsLoadIntoTorchWithTheSameOutputs()
    {
        var g = new Generator(1);
        var models = new (string Name, Module Model, int[] Input)[]
        {
            ("mlp-bn", ModelPresets.Create("mlp-bn", hidden: [16], generator: g), [3, 1, 28, 28]),
            ("lenet5", ModelPresets.Create("lenet5", generator: g), [2, 1, 28, 28]),
            ("conv1d", new Sequential(new Conv1d(3, 6, 5, padding: 2, generator: g), new BatchNorm1d(6), new GELU(), new MaxPool1d(2),
                new AvgPool1d(2), new AdaptiveAvgPool1d(1), new Flatten(), new Linear(6, 4, generator: g)), [2, 3, 16]),
        };
        foreach (var (name, model, shape) in models)
        {
            OnnxExportTests.RandomizeBatchNorms(model, 2);
            model.Eval();
            var x = Tensor.Randn(new Shape(shape), DType.Float32, g);
            Tensor y;
            using (GradMode.Disable()) y = model.Call(x);
            model.SaveCheckpoint(PathOf(name + ".safetensors"));
            SafeTensors.Save(PathOf(name + "_io.safetensors"), [new("input", x), new("output", y)]);
            var report = RunPython(Script("load_checkpoint.py"), PathOf(name + ".safetensors"), "--io", PathOf(name + "_io.safetensors"), "--tol", "1e-5");
            Assert.Contains("max relative difference", report);
        }
    }

    [TorchFact]
    public void TorchStateDictsLoadIntoDescentModels()
    {
        RunPython(Script("torch_interop.py"), "state-dict", _dir.FullName);
        var models = new (string Name, Module Model)[]
        {
            ("cnn", new Sequential(new Conv2d(1, 4, 3, padding: 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(64, 5))),
            ("conv1d", new Sequential(new Conv1d(3, 6, 5, padding: 2), new BatchNorm1d(6), new GELU(), new MaxPool1d(2), new AdaptiveAvgPool1d(1),
                new Flatten(), new Linear(6, 4))),
            ("lstm", new LSTM(5, 7, numLayers: 2, batchFirst: true)),
        };
        foreach (var (name, model) in models)
        {
            var state = SafeTensors.Load(PathOf(name + ".safetensors"));
            var dict = new StateDict();
            foreach (var (k, v) in state) dict.Add(k, v);
            model.LoadStateDict(dict);
            model.Eval();
            var io = SafeTensors.Load(PathOf(name + "_io.safetensors"));
            Tensor y;
            using (GradMode.Disable()) y = model.Call(io["input"]);
            OnnxRuntimeCheck.AssertClose(y, io["output"], $"torch {name} in Descent", 1e-5, 1e-5);
        }
    }

    [TorchFact]
    public void HalfPrecisionTensorsRoundAsTorchDoes()
    {
        // Values that exercise rounding ties, subnormals, overflow to infinity and the bf16/f16 ranges.
        var values = new List<float> { 0, -0f, 1, -2.5f, 65504, 65520, 1e-8f, 6e-5f, 3.4e38f, float.PositiveInfinity, float.NegativeInfinity, 1.00390625f, 1.0048828f };
        var g = new Generator(3);
        values.AddRange(Tensor.Randn(new Shape(500), DType.Float32, g).ToFloatArray().Select(v => v * 1000));
        var x = Tensor.FromArray(values.ToArray());
        SafeTensors.Save(PathOf("x.safetensors"), [new("x", x)]);
        SafeTensors.Save(PathOf("f16.safetensors"), [new("x", x)], floatStorage: FloatStorage.Float16);
        SafeTensors.Save(PathOf("bf16.safetensors"), [new("x", x)], floatStorage: FloatStorage.BFloat16);
        var report = RunPython(Script("torch_interop.py"), "halves", PathOf("x.safetensors"), PathOf("f16.safetensors"),
            PathOf("bf16.safetensors"), PathOf("theirs.safetensors"));
        Assert.Contains("bit-identical to torch", report);
        // torch's F16/BF16 read back as Float32 give exactly Descent's own roundings.
        var theirs = SafeTensors.Load(PathOf("theirs.safetensors"));
        Assert.Equal(DType.Float32, theirs["h"].DType);
        Assert.Equal(SafeTensors.Load(PathOf("f16.safetensors"))["x"].ToFloatArray(), theirs["h"].ToFloatArray());
        Assert.Equal(SafeTensors.Load(PathOf("bf16.safetensors"))["x"].ToFloatArray(), theirs["b"].ToFloatArray());
    }
}
