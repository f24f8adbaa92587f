using System.CommandLine;
using System.Globalization;
using System.Text;
using Descent.Benchmarks;

namespace Descent.Cli.Bench;

/// <summary>
/// <c>descent bench blackbox</c>: the gradient-free optimizers on the standard test functions at equal evaluations (median
/// best value, or median hypervolume and IGD, over seeds), or (<c>--overhead</c>) the genetic algorithm's time per
/// generation. The measurements live in <see cref="BlackBoxBenchmark"/>; bench/compare/blackbox.sh runs DEAP and SciPy on
/// the same problems.
/// </summary>
public static class BlackBoxBench
{
    private const string Usage =
        "usage: descent bench blackbox --method ga|sa|sa-plain|ga-sampler|sa-sampler|nsga2|nsga2-optuna|random[,...]\n" +
        "                              --problem NAME[,...] [--evaluations N] [--seeds K] [--json]\n" +
        "       descent bench blackbox --overhead [--problem NAME] [--population P] [--generations G] [--json]\n" +
        "  Quality (default): one run of N evaluations (default 10000) per seed 0..K-1 (default 20); prints the median best\n" +
        "  value (one objective) or the median hypervolume and IGD of the evaluated points (several objectives).\n" +
        "  Problems: rastrigin10, ackley10, rosenbrock10, griewank10, schwefel10 (10-D, DEAP's bounds);\n" +
        "  zdt1, zdt2, zdt3 (30 variables, hypervolume against (11, 11)); dtlz2 (3 objectives, 12 variables).\n" +
        "  Methods: ga (pymoo's GA defaults), sa (annealing with L-BFGS polish), sa-plain (Gaussian steps, geometric cooling,\n" +
        "  no polish), ga-sampler and sa-sampler (the same as study samplers), nsga2 (SBX + polynomial mutation, as DEAP's\n" +
        "  example), nsga2-optuna (Optuna's operators), random.\n" +
        "  Overhead: milliseconds per generation (default population 100, 100 generations, problem rastrigin10) spent in\n" +
        "  the GA's ask/tell, in the GA sampler, and in the whole study loop.";

    private static readonly string[] Valued = ["--method", "--problem", "--evaluations", "--seeds", "--population", "--generations"];

    /// <summary>The <c>blackbox</c> subcommand of <c>bench</c>.</summary>
    public static Command Create() =>
        RawArgsCommand.Create("blackbox", "Gradient-free optimizers on test functions at equal evaluations, or the GA's overhead (--overhead).", Usage, Run);

    /// <summary>Runs the benchmark; returns the exit code (0 ok, 1 bad options).</summary>
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the benchmark writing to <paramref name="output"/> and <paramref name="errors"/>; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        try
        {
            var a = new ArgReader("descent bench blackbox", args, Valued, ["--json", "--overhead"]);
            if (a.Flag("--help"))
            {
                output.WriteLine(Usage);
                return 0;
            }
            bool json = a.Flag("--json");
            var problems = a.All("--problem").Select(Problem).ToList();
            if (a.Flag("--overhead"))
            {
                if (a.Text("--method") is not null || a.Text("--seeds") is not null || a.Text("--evaluations") is not null)
                    throw new UserErrorException("descent bench blackbox: --overhead measures the GA; --method, --seeds and --evaluations go with quality runs.");
                var problem = problems.Count switch
                {
                    0 => BlackBoxBenchmark.Problem("rastrigin10"),
                    1 => problems[0],
                    _ => throw new UserErrorException("descent bench blackbox: --overhead takes one --problem."),
                };
                if (problem.IsMultiObjective) throw new UserErrorException($"descent bench blackbox: --overhead needs a single-objective problem, not {problem.Name}.");
                output.WriteLine(Overhead(problem, a.Count("--population", min: 2) ?? 100, a.Count("--generations") ?? 100, json));
                return 0;
            }
            if (a.Text("--population") is not null || a.Text("--generations") is not null)
                throw new UserErrorException("descent bench blackbox: --population and --generations go with --overhead.");
            var methods = a.All("--method");
            if (methods.Count == 0) throw new UserErrorException("descent bench blackbox: --method is required.");
            foreach (var m in methods)
                if (!BlackBoxBenchmark.Methods.Contains(m))
                    throw new UserErrorException($"descent bench blackbox: unknown method '{m}' ({string.Join(", ", BlackBoxBenchmark.Methods)}).");
            if (problems.Count == 0) throw new UserErrorException("descent bench blackbox: --problem is required.");
            int evaluations = a.Count("--evaluations") ?? 10000, seeds = a.Count("--seeds") ?? 20;
            foreach (var problem in problems)
                foreach (var method in methods)
                {
                    if (!BlackBoxBenchmark.Supports(method, problem))
                        throw new UserErrorException($"descent bench blackbox: {method} does not run on {problem.Name} " +
                            $"({(problem.IsMultiObjective ? "several objectives: use nsga2, nsga2-optuna or random" : "one objective: nsga2 is for several")}).");
                    output.WriteLine(Quality(method, problem, evaluations, seeds, json));
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

    private static BlackBoxProblem Problem(string name)
    {
        try
        {
            return BlackBoxBenchmark.Problem(name);
        }
        catch (ArgumentException e)
        {
            throw new UserErrorException("descent bench blackbox: " + e.Message.Split(" (Parameter")[0] + ".");
        }
    }

    private static string Quality(string method, BlackBoxProblem problem, int evaluations, int seeds, bool json)
    {
        var runs = BlackBoxBenchmark.RunSeeds(method, problem, evaluations, seeds);
        double median = BlackBoxBenchmark.Median(runs.Select(r => r.Best));
        double? igd = problem.IsMultiObjective ? BlackBoxBenchmark.Median(runs.Select(r => r.Igd!.Value)) : null;
        string measure = problem.IsMultiObjective ? "hypervolume" : "best";
        if (!json)
        {
            string igdText = igd is double i ? string.Create(CultureInfo.InvariantCulture, $", median IGD {i:G4}") : "";
            return string.Create(CultureInfo.InvariantCulture,
                $"{problem.Name,-12} {method,-12} evaluations={evaluations} seeds={seeds}: median {measure} {median:G6}{igdText} " +
                $"(min {runs.Min(r => r.Best):G6}, max {runs.Max(r => r.Best):G6})");
        }
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"{{\"problem\":\"{problem.Name}\",\"method\":\"{method}\",\"evaluations\":{evaluations},\"seeds\":{seeds},\"measure\":\"{measure}\",\"median\":{median:R}");
        if (igd is double m) sb.Append(CultureInfo.InvariantCulture, $",\"median_igd\":{m:R}");
        sb.Append(",\"values\":[");
        for (int i = 0; i < runs.Length; i++) sb.Append(i == 0 ? "" : ",").Append(runs[i].Best.ToString("R", CultureInfo.InvariantCulture));
        return sb.Append("]}").ToString();
    }

    private static string Overhead(BlackBoxProblem problem, int population, int generations, bool json)
    {
        var o = BlackBoxBenchmark.MeasureGeneticOverhead(problem, population, generations);
        return json
            ? string.Create(CultureInfo.InvariantCulture,
                $"{{\"problem\":\"{problem.Name}\",\"population\":{population},\"generations\":{generations},\"engine_ms_per_generation\":{o.EngineMs:G6}," +
                $"\"sampler_ms_per_generation\":{o.SamplerMs:G6},\"study_ms_per_generation\":{o.StudyMs:G6}}}")
            : string.Create(CultureInfo.InvariantCulture,
                $"GA on {problem.Name}, population {population}: {o.EngineMs:F4} ms per generation in ask/tell, {o.SamplerMs:F3} ms in the " +
                $"study sampler, {o.StudyMs:F3} ms for the whole study loop");
    }
}
