using System.CommandLine;
using System.CommandLine.Help;
using System.Diagnostics;
using System.Globalization;
using Descent.Cli.Trace;
using Descent.Kernels;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Cli.Bench;

/// <summary>
/// <c>descent bench optim</c>: times one optimizer step on N float32 parameters (one tensor) and reports ms per step and
/// the memory traffic the update must do (bytes read + written ÷ time), next to the machine's copy bandwidth measured
/// the same way (a parallel span copy of the same total traffic). bench/compare/optim.sh compares it with PyTorch.
/// </summary>
public static class OptimBench
{
    private const string Usage =
        "usage: descent bench optim --optimizer adam|adamw|sgd|rmsprop|adagrad[,...] --params N[,N...] [--threads T]\n" +
        "                           [--json] [--repeat R] [--min-seconds S]\n" +
        "  N accepts 1e6 notation. Each case is timed R times (default 5) for at least S seconds (default 0.3) and the\n" +
        "  fastest repetition is reported. Settings: lr 1e-3, PyTorch defaults, sgd with momentum 0.9.\n" +
        "  gb_per_s counts the bytes the update must read and write (adam/adamw: param, grad, exp_avg, exp_avg_sq read;\n" +
        "  param, exp_avg, exp_avg_sq written: 28 B/param; sgd/rmsprop/adagrad: 20 B/param).";

    private static readonly string[] Valued = ["--optimizer", "--params", "--threads", "--repeat", "--min-seconds"];

    /// <summary>The <c>optim</c> subcommand of <c>bench</c>: hands its raw arguments to <see cref="Run"/>.</summary>
    public static Command Create() =>
        RawArgsCommand.Create("optim", "Time one optimizer step on N float32 parameters and compare with copy bandwidth.", Usage, Run);

    /// <summary>Runs the benchmark; returns the exit code (0 ok, 1 bad options).</summary>
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the benchmark writing to <paramref name="output"/> and <paramref name="errors"/>; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        try
        {
            var a = new ArgReader("descent bench optim", args, Valued, ["--json"]);
            if (a.Flag("--help"))
            {
                output.WriteLine(Usage);
                return 0;
            }
            var names = a.All("--optimizer");
            if (names.Count == 0) throw new UserErrorException("descent bench optim: --optimizer is required.");
            foreach (var n in names)
                if (BytesPerParam(n) == 0)
                    throw new UserErrorException($"descent bench optim: unknown optimizer '{n}' (adam, adamw, sgd, rmsprop, adagrad).");
            var sizes = a.All("--params").Select(s => ParseCount(s)).ToList();
            if (sizes.Count == 0) throw new UserErrorException("descent bench optim: --params is required.");
            int threads = a.Count("--threads") ?? ParallelFor.Threads;
            int repeat = a.Count("--repeat") ?? 5;
            double minSeconds = a.Number("--min-seconds") ?? 0.3;
            if (!(minSeconds > 0)) throw new UserErrorException("descent bench optim: --min-seconds must be positive.");
            // Scoped to this thread, which runs the updates: tests run the command in-process beside other tests.
            using (ParallelFor.OverrideThreads(threads))
            {
                foreach (int n in sizes)
                    foreach (var name in names)
                        output.WriteLine(Measure(name, n, threads, repeat, minSeconds, a.Flag("--json")));
            }
            return 0;
        }
        catch (UserErrorException e)
        {
            errors.WriteLine(e.Message);
            errors.WriteLine(Usage);
            return 1;
        }
    }

    private static string Measure(string name, int n, int threads, int repeat, double minSeconds, bool json)
    {
        double seconds = TimeStep(name, n, repeat, minSeconds);
        double bytes = (double)BytesPerParam(name) * n;
        double copySeconds = TimeCopy((long)(bytes / 8), repeat, minSeconds);
        double gbps = bytes / seconds / 1e9, copyGbps = bytes / copySeconds / 1e9;
        return json
            ? string.Create(CultureInfo.InvariantCulture,
                $"{{\"optimizer\":\"{name}\",\"params\":{n},\"threads\":{threads},\"ms_per_step\":{seconds * 1e3:G6}," +
                $"\"gb_per_s\":{gbps:F2},\"copy_gb_per_s\":{copyGbps:F2},\"bandwidth_fraction\":{gbps / copyGbps:F3}}}")
            : string.Create(CultureInfo.InvariantCulture,
                $"{name,-8} N={n,-10} threads={threads} simd={KernelConfig.Simd}: {seconds * 1e3,9:F4} ms/step  " +
                $"{gbps,7:F1} GB/s  (copy {copyGbps:F1} GB/s, {100 * gbps / copyGbps:F0}%)");
    }

    private static int BytesPerParam(string name) => name switch
    {
        "adam" or "adamw" => 28,
        "sgd" or "rmsprop" or "adagrad" => 20,
        _ => 0,
    };

    private static int ParseCount(string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v < 1 || v > int.MaxValue || v != Math.Floor(v))
            throw new UserErrorException($"descent bench optim: --params must be whole numbers ≥ 1 (1e6 notation allowed), got '{text}'.");
        return (int)v;
    }

    private static double TimeStep(string name, int n, int repeat, double minSeconds)
    {
        var rng = new Random(42);
        var data = new float[n];
        var grad = new float[n];
        for (int i = 0; i < n; i++)
        {
            data[i] = (float)(rng.NextDouble() * 2 - 1);
            grad[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        var p = Tensor.FromArray(data, n).RequiresGradInPlace();
        p.Grad = Tensor.FromArray(grad, n);
        Optimizer opt = name switch
        {
            "adam" => new Adam([p], new AdamOptions(1e-3)),
            "adamw" => new AdamW([p], new AdamWOptions(1e-3)),
            "sgd" => new Sgd([p], new SgdOptions(1e-3, momentum: 0.9)),
            "rmsprop" => new RmsProp([p], new RmsPropOptions(1e-3)),
            _ => new Adagrad([p], new AdagradOptions(1e-3)),
        };
        return Fastest(opt.Step, repeat, minSeconds);
    }

    private static double TimeCopy(long floats, int repeat, double minSeconds)
    {
        int n = (int)Math.Min(floats, Array.MaxLength);
        var src = new float[n];
        var dst = new float[n];
        src.AsSpan().Fill(1);
        return Fastest(() => ParallelFor.Run((n + CopyBody.Chunk - 1) / CopyBody.Chunk, new CopyBody(src, dst)), repeat, minSeconds);
    }

    /// <summary>Fastest per-call time over <paramref name="repeat"/> repetitions of at least <paramref name="minSeconds"/>.</summary>
    private static double Fastest(Action call, int repeat, double minSeconds)
    {
        for (int i = 0; i < 3; i++) call();
        // Calls per repetition from a short calibration run.
        var sw = Stopwatch.StartNew();
        int calibration = 0;
        while (sw.Elapsed.TotalSeconds < minSeconds / 4 || calibration < 2)
        {
            call();
            calibration++;
        }
        int calls = Math.Max(1, (int)(calibration * minSeconds / sw.Elapsed.TotalSeconds));
        double best = double.PositiveInfinity;
        for (int r = 0; r < repeat; r++)
        {
            sw.Restart();
            for (int i = 0; i < calls; i++) call();
            best = Math.Min(best, sw.Elapsed.TotalSeconds / calls);
        }
        return best;
    }

    private readonly struct CopyBody(float[] src, float[] dst) : IParallelBody
    {
        public const int Chunk = 1 << 16;

        public void Invoke(int index)
        {
            int start = index * Chunk, len = Math.Min(Chunk, src.Length - start);
            src.AsSpan(start, len).CopyTo(dst.AsSpan(start, len));
        }
    }
}
