using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using Descent.Benchmarks;

namespace Descent.Cli.Bench;

/// <summary>
/// <c>descent bench optim</c>: times one optimizer step on N float32 parameters (one tensor) and reports ms per step and
/// the memory traffic the update must do (bytes read + written ÷ time), next to the machine's copy bandwidth measured
/// the same way (<see cref="OptimizerStepBenchmark"/>). bench/compare/optim.sh compares it with PyTorch.
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
                if (!OptimizerStepBenchmark.Names.Contains(n))
                    throw new UserErrorException($"descent bench optim: unknown optimizer '{n}' ({string.Join(", ", OptimizerStepBenchmark.Names)}).");
            var sizes = a.All("--params").Select(s => ParseCount(s)).ToList();
            if (sizes.Count == 0) throw new UserErrorException("descent bench optim: --params is required.");
            int threads = a.Count("--threads") ?? BenchmarkMachine.Threads;
            int repeat = a.Count("--repeat") ?? 5;
            double minSeconds = a.Number("--min-seconds") ?? 0.3;
            if (!(minSeconds > 0)) throw new UserErrorException("descent bench optim: --min-seconds must be positive.");
            foreach (int n in sizes)
                foreach (var name in names)
                    output.WriteLine(Format(OptimizerStepBenchmark.Measure(name, n, threads, repeat, minSeconds), a.Flag("--json")));
            return 0;
        }
        catch (UserErrorException e)
        {
            errors.WriteLine(e.Message);
            errors.WriteLine(Usage);
            return 1;
        }
    }

    private static string Format(OptimizerStepMeasurement r, bool json) => json
        ? string.Create(CultureInfo.InvariantCulture,
            $"{{\"optimizer\":\"{r.Optimizer}\",\"params\":{r.Params},\"threads\":{r.Threads},\"ms_per_step\":{r.SecondsPerStep * 1e3:G6}," +
            $"\"gb_per_s\":{r.GbPerSecond:F2},\"copy_gb_per_s\":{r.CopyGbPerSecond:F2},\"bandwidth_fraction\":{r.BandwidthFraction:F3}}}")
        : string.Create(CultureInfo.InvariantCulture,
            $"{r.Optimizer,-8} N={r.Params,-10} threads={r.Threads} simd={BenchmarkMachine.Simd}: {r.SecondsPerStep * 1e3,9:F4} ms/step  " +
            $"{r.GbPerSecond,7:F1} GB/s  (copy {r.CopyGbPerSecond:F1} GB/s, {100 * r.BandwidthFraction:F0}%)");

    private static int ParseCount(string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v < 1 || v > int.MaxValue || v != Math.Floor(v))
            throw new UserErrorException($"descent bench optim: --params must be whole numbers ≥ 1 (1e6 notation allowed), got '{text}'.");
        return (int)v;
    }
}
