using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Text;
using Descent.Tuning;

namespace Descent.Cli.Bench;

/// <summary>
/// <c>descent bench tune</c>: sampler overhead per trial on a trivial objective, or (<c>--quality</c>) the median best
/// value over seeds on the standard test functions. The measurements live in <see cref="TuningBenchmark"/>;
/// bench/compare/tuning.sh runs the same cases through Optuna.
/// </summary>
public static class TuneBench
{
    private const string Usage =
        "usage: descent bench tune --sampler tpe|tpe-univariate|tpe-multivariate|tpe-optuna|random|gp|cmaes|qmc|ga|sa|sa-plain[,...] [--trials N]\n" +
        "                          [--params D] [--seed S] [--window W] [--json]\n" +
        "       descent bench tune --quality --objective NAME[,...] --sampler tpe|random|...[,...] [--trials N] [--seeds K]\n" +
        "                          [--params D] [--json]\n" +
        "  Overhead (default): one in-memory study of N trials (default 1000) on the sum of squares of D floats in [-5, 5]\n" +
        "  (default 5); prints the mean wall time per trial over the last W trials (default 100; sampling, storage and\n" +
        "  objective) and the part spent inside the sampler.\n" +
        "  Quality: one study of N trials (default 100) per seed 0..K-1 (default 20); prints the median best value.\n" +
        "  Objectives: sphere ([-5, 5]^D), branin, hartmann6, rosenbrock10 (the set the TPE defaults were chosen on);\n" +
        "  held out: camel, sphere2, sphere10, rosenbrock4, ackley5, styblinski5, rastrigin5, levy5, griewank5;\n" +
        "  HPO-like: logmix (log float, log int, float), mixed (log, stepped, int, log int, categorical).";

    private static readonly string[] Valued = ["--sampler", "--trials", "--params", "--seed", "--window", "--objective", "--seeds"];

    /// <summary>The <c>tune</c> subcommand of <c>bench</c>: hands its raw arguments to <see cref="Run(string[])"/>.</summary>
    public static Command Create() =>
        RawArgsCommand.Create("tune", "Sampler overhead per trial, or median best value over seeds on test functions (--quality).", Usage, Run);

    /// <summary>Runs the benchmark; returns the exit code (0 ok, 1 bad options).</summary>
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the benchmark writing to <paramref name="output"/> and <paramref name="errors"/>; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        try
        {
            var a = new ArgReader("descent bench tune", args, Valued, ["--json", "--quality"]);
            if (a.Flag("--help"))
            {
                output.WriteLine(Usage);
                return 0;
            }
            var samplers = a.All("--sampler");
            if (samplers.Count == 0) throw new UserErrorException("descent bench tune: --sampler is required.");
            foreach (var s in samplers)
                if (!TuningBenchmark.SamplerNames.Contains(s))
                    throw new UserErrorException($"descent bench tune: unknown sampler '{s}' ({string.Join(", ", TuningBenchmark.SamplerNames)}).");
            int dims = a.Count("--params") ?? 5;
            bool json = a.Flag("--json");
            if (a.Flag("--quality"))
            {
                var objectives = a.All("--objective");
                if (objectives.Count == 0) throw new UserErrorException("descent bench tune: --quality needs --objective.");
                foreach (var o in objectives)
                    if (!BenchmarkFunctions.Names.Contains(o))
                        throw new UserErrorException($"descent bench tune: unknown objective '{o}' ({string.Join(", ", BenchmarkFunctions.Names)}).");
                int trials = a.Count("--trials") ?? 100, seeds = a.Count("--seeds") ?? 20;
                foreach (var o in objectives)
                    foreach (var s in samplers)
                        output.WriteLine(Quality(o, s, trials, seeds, dims, json));
                return 0;
            }
            if (a.Text("--objective") is not null || a.Text("--seeds") is not null)
                throw new UserErrorException("descent bench tune: --objective and --seeds go with --quality.");
            int n = a.Count("--trials") ?? 1000, window = a.Count("--window") ?? 100;
            long seed = (long)(a.Number("--seed") ?? 0);
            foreach (var s in samplers) output.WriteLine(Overhead(s, n, dims, seed, window, json));
            return 0;
        }
        catch (UserErrorException e)
        {
            errors.WriteLine(e.Message);
            errors.WriteLine(Usage);
            return 1;
        }
    }

    private static string Overhead(string sampler, int trials, int dims, long seed, int window, bool json)
    {
        var t = TuningBenchmark.MeasureOverhead(TuningBenchmark.CreateSampler(sampler, seed), BenchmarkFunctions.Objective("sphere", dims), trials);
        int w = Math.Min(window, trials);
        double total = t.MeanTrialMs(w), inSampler = t.MeanSamplerMs(w);
        return json
            ? string.Create(CultureInfo.InvariantCulture,
                $"{{\"sampler\":\"{sampler}\",\"trials\":{trials},\"params\":{dims},\"seed\":{seed},\"window\":{w}," +
                $"\"ms_per_trial_last{w}\":{total:G6},\"sampler_ms_per_trial_last{w}\":{inSampler:G6}}}")
            : string.Create(CultureInfo.InvariantCulture,
                $"{sampler,-7} trials={trials} params={dims} seed={seed}: {total,9:F4} ms/trial over the last {w} " +
                $"({inSampler:F4} ms in the sampler)");
    }

    private static string Quality(string objective, string sampler, int trials, int seeds, int dims, bool json)
    {
        var best = TuningBenchmark.BestValues(s => TuningBenchmark.CreateSampler(sampler, s), BenchmarkFunctions.Objective(objective, dims), trials, seeds);
        double median = TuningBenchmark.Median(best);
        if (!json)
            return string.Create(CultureInfo.InvariantCulture,
                $"{objective,-12} {sampler,-7} trials={trials} seeds={seeds}: median best {median:G6} (min {best.Min():G6}, max {best.Max():G6})");
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"{{\"objective\":\"{objective}\",\"sampler\":\"{sampler}\",\"trials\":{trials},\"seeds\":{seeds},\"median_best\":{median:R},\"best\":[");
        for (int i = 0; i < best.Length; i++) sb.Append(i == 0 ? "" : ",").Append(best[i].ToString("R", CultureInfo.InvariantCulture));
        return sb.Append("]}").ToString();
    }
}
