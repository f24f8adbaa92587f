using Descent.NN;
using Descent.Serialization;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.NN;

public sealed class ModuleCheckpointTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "descent-ckpt-" + Guid.NewGuid().ToString("N"));

    public ModuleCheckpointTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Sequential Model(DType dtype) =>
        new(new BatchNorm1d(3, dtype: dtype), new PReLU(3, 0.1, dtype), new LayerNorm(3, dtype: dtype));

    [Fact]
    public void SaveAndLoadReproducesTheModel()
    {
        var a = Model(DType.Float64);
        var x = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { -1, 0.5, 2 }, { 0, 0, 1 } });
        a.Call(x); // updates running statistics and num_batches_tracked
        using (GradMode.Disable())
            foreach (var p in a.Parameters()) p.AddInPlace(Tensor.FullLike(p, 0.25));
        var path = Path.Combine(_dir, "m.safetensors");
        a.SaveCheckpoint(path, new Dictionary<string, string> { ["epoch"] = "4" });

        var b = Model(DType.Float64);
        b.LoadCheckpoint(path);
        a.Eval();
        b.Eval();
        Assert.Equal(a.Call(x).ToDoubleArray(), b.Call(x).ToDoubleArray());
        Assert.Equal(1, b.StateDict()["0.num_batches_tracked"].Item());

        var file = Checkpoint.Load(path);
        Assert.Equal(a.StateDict().Keys, file.Names);
        Assert.Equal("4", file.Metadata["epoch"]);
        Assert.Equal(a.ToString(), file.Metadata[ModuleCheckpoint.ModelKey]);
    }

    [Fact]
    public void LoadConvertsDtypesIntoTheModel()
    {
        var a = Model(DType.Float64);
        var path = Path.Combine(_dir, "f64.safetensors");
        using (GradMode.Disable()) a.StateDict()["1.weight"].CopyFrom(Tensor.FromArray([0.5, 0.25, 0.125], 3));
        a.SaveCheckpoint(path);
        var b = Model(DType.Float32);
        b.LoadCheckpoint(path);
        Assert.Equal([0.5f, 0.25f, 0.125f], b.StateDict()["1.weight"].ToArray<float>());
    }

    [Fact]
    public void CorruptOrMismatchedFilesLeaveTheModelUntouched()
    {
        var path = Path.Combine(_dir, "m.safetensors");
        Model(DType.Float32).SaveCheckpoint(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);
        var target = Model(DType.Float32);
        using (GradMode.Disable()) target.StateDict()["1.weight"].FillInPlace(7);
        var e = Assert.Throws<SafeTensorsFormatException>(() => target.LoadCheckpoint(path));
        Assert.Contains("truncated", e.Message);
        Assert.All(target.StateDict()["1.weight"].ToDoubleArray(), v => Assert.Equal(7, v));

        var other = new Sequential(new BatchNorm1d(4), new PReLU(4), new LayerNorm(4));
        other.SaveCheckpoint(path);
        var m = Assert.Throws<InvalidOperationException>(() => target.LoadCheckpoint(path));
        Assert.Contains("size mismatch", m.Message);
        Assert.All(target.StateDict()["1.weight"].ToDoubleArray(), v => Assert.Equal(7, v));
    }

    [Fact]
    public void ReprMatchesPyTorch()
    {
        var model = new Sequential(new BatchNorm1d(8), new LeakyReLU(), new LayerNorm([2, 4], elementwiseAffine: false), new Flatten(), new ReLU());
        Assert.Equal(
            "Sequential(\n" +
            "  (0): BatchNorm1d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n" +
            "  (1): LeakyReLU(negative_slope=0.01)\n" +
            "  (2): LayerNorm((2, 4), eps=1e-05, elementwise_affine=False)\n" +
            "  (3): Flatten(start_dim=1, end_dim=-1)\n" +
            "  (4): ReLU()\n" +
            ")", model.ToString().Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public void ParametersCreatedInsideAStepScopeOutliveIt()
    {
        BatchNorm1d bn;
        using (StepScope.Begin())
            bn = new BatchNorm1d(2);
        Assert.Equal([1, 1], bn.Weight!.ToDoubleArray());
        Assert.Equal([1, 1], bn.RunningVar!.ToDoubleArray());
    }
}
