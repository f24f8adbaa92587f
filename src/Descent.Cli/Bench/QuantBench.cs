using System.CommandLine;
using System.Globalization;
using Descent.Benchmarks;

namespace Descent.Cli.Bench;

/// <summary>
/// <c>descent bench quant gemm|model</c>: float32 against int8 speed measured alternately in one run
/// (<see cref="QuantizationBenchmark"/>), printed as a table with the ratio or as one JSON object per line.
/// </summary>
public static class QuantBench
{
    /// <summary>The <c>quant</c> subcommand of <c>bench</c>.</summary>
    public static Command Create()
    {
        var cmd = new Command("quant", "Float32 against int8: the GEMM of Linear shapes, or whole-model inference (ratio > 1: int8 faster).");
        cmd.Subcommands.Add(GemmCommand());
        cmd.Subcommands.Add(ModelCommand());
        return cmd;
    }

    private static (Option<int> Threads, Option<int> Repeat, Option<double> MinSeconds, Option<bool> Json) Common()
    {
        var threads = new Option<int>("--threads") { Description = "Worker threads (default 1; one thread is timed in CPU time).", DefaultValueFactory = _ => 1 };
        var repeat = new Option<int>("--repeat") { Description = "Alternating repetitions; medians are reported.", DefaultValueFactory = _ => 5 };
        var minSeconds = new Option<double>("--min-seconds") { Description = "Minimum duration of each timed block.", DefaultValueFactory = _ => 0.3 };
        var json = new Option<bool>("--json") { Description = "One JSON object per line." };
        return (threads, repeat, minSeconds, json);
    }

    private static Command GemmCommand()
    {
        var shapes = new Option<string>("--shapes")
        {
            Description = "MxNxK[,MxNxK...]: batch × out × in (default: the MLP 784-256-128-10 layers at batch 64 and 256).",
            DefaultValueFactory = _ => "64x256x784,64x128x256,256x256x784,256x128x256",
        };
        var (threads, repeat, minSeconds, json) = Common();
        var cmd = new Command("gemm", "Sgemm (x·Wᵀ) against the int8 GEMM with float output (7-bit activations; also with their quantization, and 8-bit ones).")
        {
            shapes, threads, repeat, minSeconds, json,
        };
        cmd.SetAction(r =>
        {
            int t = Positive("--threads", r.GetValue(threads)), rep = Positive("--repeat", r.GetValue(repeat));
            double sec = Seconds(r.GetValue(minSeconds));
            foreach (var (m, n, k) in Shapes(r.GetValue(shapes)!))
            {
                var g = QuantizationBenchmark.MeasureGemm(m, n, k, t, rep, sec);
                Console.WriteLine(r.GetValue(json)
                    ? string.Create(CultureInfo.InvariantCulture,
                        $"{{\"op\":\"quant_gemm\",\"m\":{m},\"n\":{n},\"k\":{k},\"threads\":{t},\"simd\":\"{BenchmarkMachine.Simd}\",{Json("gemm", g.Gemm)},{Json("with_quantize", g.WithQuantize)},{Json("full_range", g.FullRange)}}}")
                    : string.Create(CultureInfo.InvariantCulture,
                        $"quant gemm {m}x{n}x{k} threads={t} simd={BenchmarkMachine.Simd}: f32 {g.Gemm.Float32Seconds * 1e6,9:F1} us  int8 {g.Gemm.Int8Seconds * 1e6,9:F1} us  " +
                        $"ratio {g.Gemm.Ratio,5:F2}  (with quantize: ratio {g.WithQuantize.Ratio,5:F2}; 8-bit activations: int8 {g.FullRange.Int8Seconds * 1e6,9:F1} us, ratio {g.FullRange.Ratio,5:F2})"));
            }
            return 0;
        });
        return cmd;
    }

    private static Command ModelCommand()
    {
        var model = new Option<string>("--model") { Description = "Preset: mlp, mlp-bn, lenet5, cnn-small, resnet-small.", DefaultValueFactory = _ => "mlp" };
        var mode = new Option<string>("--mode")
        {
            Description = "dynamic (Linear layers, activations quantized per batch) or static (Linear and Conv2d, BatchNorm folded, calibrated on random batches).",
            DefaultValueFactory = _ => "dynamic",
        };
        mode.AcceptOnlyFromAmong("dynamic", "static");
        var batches = new Option<string>("--batch") { Description = "Batch sizes, comma separated.", DefaultValueFactory = _ => "1,64,256" };
        var perChannel = new Option<bool>("--per-channel") { Description = "Per-output-channel weight scales (default per tensor)." };
        var fullRange = new Option<bool>("--full-range") { Description = "8-bit activations (PyTorch's definition) instead of 7-bit (reduce_range, PyTorch's x86 default)." };
        var (threads, repeat, minSeconds, json) = Common();
        var cmd = new Command("model", "Inference of a preset in float32 against its int8 conversion (random weights and inputs).")
        {
            model, mode, batches, perChannel, fullRange, threads, repeat, minSeconds, json,
        };
        cmd.SetAction(r =>
        {
            int t = Positive("--threads", r.GetValue(threads)), rep = Positive("--repeat", r.GetValue(repeat));
            double sec = Seconds(r.GetValue(minSeconds));
            string name = r.GetValue(model)!;
            foreach (var part in r.GetValue(batches)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int batch = int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int b) ? Positive("--batch", b)
                    : throw new UserErrorException($"--batch entries are positive integers, got '{part}'.");
                QuantModelMeasurement q;
                try
                {
                    q = QuantizationBenchmark.MeasureModel(name, batch, t, rep, sec, r.GetValue(perChannel), !r.GetValue(fullRange), r.GetValue(mode)!);
                }
                catch (ArgumentException e) when (e.ParamName == "name")
                {
                    throw new UserErrorException($"--model: {e.Message}");
                }
                Console.WriteLine(r.GetValue(json)
                    ? string.Create(CultureInfo.InvariantCulture,
                        $"{{\"op\":\"quant_model\",\"model\":\"{name}\",\"mode\":\"{r.GetValue(mode)}\",\"batch\":{batch},\"threads\":{t},\"simd\":\"{BenchmarkMachine.Simd}\",\"converted\":{q.Converted.Count},{Json("forward", q.Forward)}}}")
                    : string.Create(CultureInfo.InvariantCulture,
                        $"quant model {name} {r.GetValue(mode)} batch={batch} threads={t} simd={BenchmarkMachine.Simd}: f32 {q.Forward.Float32Seconds * 1e6,10:F1} us  " +
                        $"int8 {q.Forward.Int8Seconds * 1e6,10:F1} us  ratio {q.Forward.Ratio,5:F2}  ({q.Converted.Count} layers int8)"));
            }
            return 0;
        });
        return cmd;
    }

    private static string Json(string name, SpeedComparison s) => string.Create(CultureInfo.InvariantCulture,
        $"\"{name}\":{{\"f32_seconds\":{s.Float32Seconds:G9},\"int8_seconds\":{s.Int8Seconds:G9},\"ratio\":{s.Ratio:F4}}}");

    private static List<(int M, int N, int K)> Shapes(string text)
    {
        var list = new List<(int, int, int)>();
        foreach (string shape in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] p = shape.Split('x', 'X');
            if (p.Length != 3 || !int.TryParse(p[0], out int m) || !int.TryParse(p[1], out int n) || !int.TryParse(p[2], out int k))
                throw new UserErrorException($"--shapes entries are MxNxK, got '{shape}'.");
            list.Add((Positive("--shapes", m), Positive("--shapes", n), Positive("--shapes", k)));
        }
        if (list.Count == 0) throw new UserErrorException("--shapes is empty.");
        return list;
    }

    private static int Positive(string option, int value) =>
        value > 0 ? value : throw new UserErrorException($"{option} must be a positive integer, got {value}.");

    private static double Seconds(double value) =>
        value > 0 ? value : throw new UserErrorException($"--min-seconds must be positive, got {value}.");
}
