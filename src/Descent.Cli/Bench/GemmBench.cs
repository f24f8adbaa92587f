using System.CommandLine;
using System.Globalization;
using Descent.Benchmarks;

namespace Descent.Cli.Bench;

/// <summary>
/// <c>descent bench gemm</c>: times the GEMM kernel on one or more shapes (<see cref="GemmBenchmark"/>) and prints
/// GFLOP/s (2·m·n·k per call), as text or as one JSON object per line.
/// </summary>
public static class GemmBench
{
    // Without a shape the command times a small representative set instead of failing (issue #18): the forward GEMM
    // of the main job's first layer (batch 64, 784→256) and two square sizes, as in bench/compare/gemm.sh.
    private static readonly (int M, int N, int K)[] DefaultShapes = [(64, 256, 784), (512, 512, 512), (1024, 1024, 1024)];

    /// <summary>The <c>gemm</c> subcommand of <c>bench</c>.</summary>
    public static Command Create()
    {
        var m = new Option<int?>("--m") { Description = "Rows of C (and of op(A))." };
        var n = new Option<int?>("--n") { Description = "Columns of C (and of op(B))." };
        var k = new Option<int?>("--k") { Description = "Inner dimension." };
        var shapes = new Option<string?>("--shapes") { Description = "Several shapes instead of --m/--n/--k: MxNxK[,MxNxK...] (default: 64x256x784,512x512x512,1024x1024x1024)." };
        var threads = new Option<int>("--threads")
        {
            Description = "Worker threads (default: DESCENT_THREADS or the core count).",
            DefaultValueFactory = _ => BenchmarkMachine.Threads,
        };
        var dtype = new Option<string>("--dtype") { Description = "f32 or f64.", DefaultValueFactory = _ => "f32" };
        dtype.AcceptOnlyFromAmong("f32", "f64", "float32", "float64");
        var transA = new Option<bool>("--trans-a") { Description = "A is stored transposed (k×m)." };
        var transB = new Option<bool>("--trans-b") { Description = "B is stored transposed (n×k)." };
        var json = new Option<bool>("--json") { Description = "One JSON object per shape and line." };
        var repeat = new Option<int>("--repeat") { Description = "Timed repetitions per shape; the fastest is kept.", DefaultValueFactory = _ => 3 };
        var minSeconds = new Option<double>("--min-seconds") { Description = "Minimum duration of each repetition.", DefaultValueFactory = _ => 0.5 };
        var cmd = new Command("gemm", "GFLOP/s of the GEMM kernel (C = op(A)·op(B), 2·m·n·k flops per call) after a warm-up.")
        {
            m, n, k, shapes, threads, dtype, transA, transB, json, repeat, minSeconds,
        };
        cmd.SetAction(r =>
        {
            var o = new Options
            {
                Shapes = ResolveShapes(r.GetValue(m), r.GetValue(n), r.GetValue(k), r.GetValue(shapes)),
                Threads = Positive("--threads", r.GetValue(threads)),
                Double = r.GetValue(dtype) is "f64" or "float64",
                TransA = r.GetValue(transA),
                TransB = r.GetValue(transB),
                Json = r.GetValue(json),
                Repeat = Positive("--repeat", r.GetValue(repeat)),
                MinSeconds = r.GetValue(minSeconds) is > 0 and var s ? s : throw new UserErrorException("--min-seconds must be positive."),
            };
            return Run(o, r.InvocationConfiguration.Output);
        });
        return cmd;
    }

    /// <summary>Times every shape of <paramref name="o"/> and writes one line per shape; returns 0.</summary>
    private static int Run(Options o, TextWriter output)
    {
        foreach (var (m, n, k) in o.Shapes)
        {
            var r = GemmBenchmark.Measure(new GemmCase(m, n, k, o.TransA, o.TransB, o.Double), o.Threads, o.Repeat, o.MinSeconds);
            string dtype = o.Double ? "f64" : "f32";
            if (o.Json)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"op\":\"gemm\",\"m\":{m},\"n\":{n},\"k\":{k},\"threads\":{o.Threads},\"dtype\":\"{dtype}\"," +
                    $"\"trans_a\":{Bool(o.TransA)},\"trans_b\":{Bool(o.TransB)},\"gflops\":{r.Gflops:F3},\"seconds\":{r.SecondsPerCall:G9}}}"));
            }
            else
            {
                string flags = (o.TransA ? "T" : "N") + (o.TransB ? "T" : "N");
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"gemm {dtype} {flags} {m}x{n}x{k} threads={o.Threads} simd={BenchmarkMachine.Simd}: " +
                    $"{r.Gflops,8:F1} GFLOP/s  {r.SecondsPerCall * 1e3,10:F4} ms/call"));
            }
        }
        return 0;
    }

    private static List<(int M, int N, int K)> ResolveShapes(int? m, int? n, int? k, string? shapes)
    {
        var list = new List<(int M, int N, int K)>();
        foreach (string shape in (shapes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] p = shape.Split('x', 'X');
            if (p.Length != 3 || !int.TryParse(p[0], out int sm) || !int.TryParse(p[1], out int sn) || !int.TryParse(p[2], out int sk))
                throw new UserErrorException($"--shapes entries are MxNxK, got '{shape}'.");
            list.Add((Positive("--shapes", sm), Positive("--shapes", sn), Positive("--shapes", sk)));
        }
        if (m is not null || n is not null || k is not null)
        {
            if (m is null || n is null || k is null) throw new UserErrorException("--m, --n and --k must be given together.");
            list.Add((Positive("--m", m.Value), Positive("--n", n.Value), Positive("--k", k.Value)));
        }
        if (list.Count == 0) list.AddRange(DefaultShapes);
        return list;
    }

    private static int Positive(string option, int value) =>
        value > 0 ? value : throw new UserErrorException($"{option} must be a positive integer, got {value}.");

    private static string Bool(bool b) => b ? "true" : "false";

    private sealed class Options
    {
        public required List<(int M, int N, int K)> Shapes { get; init; }
        public int Threads { get; init; }
        public bool Double { get; init; }
        public bool TransA { get; init; }
        public bool TransB { get; init; }
        public bool Json { get; init; }
        public int Repeat { get; init; }
        public double MinSeconds { get; init; }
    }
}
