using BenchmarkDotNet.Attributes;
using Descent.Kernels;

namespace Descent.Bench;

/// <summary>
/// BenchmarkDotNet timings of <see cref="Gemm.Sgemm"/> for a square problem and the MLP products
/// (forward, dX = dY·Wᵀ, dW = Xᵀ·dY of a 784→256 layer, batch 64). For GFLOP/s tables against OpenBLAS use
/// <c>bench/compare/gemm.sh</c>; this class is for tracking regressions with BenchmarkDotNet's statistics.
/// Run: <c>dotnet run -c Release --project bench/Descent.Bench -- --filter *GemmBenchmarks*</c>.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];
    private int _m, _n, _k;
    private bool _transA, _transB;

    /// <summary>Shape as MxNxK plus transpose flags (NN, NT, TN).</summary>
    [Params("512x512x512:NN", "1024x1024x1024:NN", "64x256x784:NN", "64x784x256:NT", "784x256x64:TN", "64x10x128:NN")]
    public string Shape { get; set; } = "512x512x512:NN";

    /// <summary>Worker threads (<see cref="ParallelFor.Threads"/>).</summary>
    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        string[] parts = Shape.Split(':');
        int[] dims = Array.ConvertAll(parts[0].Split('x'), int.Parse);
        (_m, _n, _k) = (dims[0], dims[1], dims[2]);
        (_transA, _transB) = (parts[1][0] == 'T', parts[1][1] == 'T');
        var rng = new Random(1);
        _a = Enumerable.Range(0, _m * _k).Select(_ => (float)rng.NextDouble()).ToArray();
        _b = Enumerable.Range(0, _k * _n).Select(_ => (float)rng.NextDouble()).ToArray();
        _c = new float[_m * _n];
        ParallelFor.Threads = Threads;
    }

    [Benchmark]
    public void Sgemm() =>
        Gemm.Sgemm(_transA, _transB, _m, _n, _k, 1f, _a, _transA ? _m : _k, _b, _transB ? _k : _n, 0f, _c, _n);
}
