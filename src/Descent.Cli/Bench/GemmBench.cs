using System.Diagnostics;
using System.Globalization;
using Descent.Kernels;

namespace Descent.Cli.Bench;

/// <summary>
/// <c>descent bench gemm</c>: times <see cref="Gemm.Sgemm"/>/<see cref="Gemm.Dgemm"/> on one or more shapes and
/// prints GFLOP/s (2·m·n·k per call), as text or as one JSON object per line.
/// </summary>
public static class GemmBench
{
    private const string Usage =
        "usage: descent bench gemm (--m M --n N --k K | --shapes MxNxK[,MxNxK...]) [--threads T] [--dtype f32|f64]\n" +
        "                          [--trans-a] [--trans-b] [--json] [--repeat R] [--min-seconds S]\n" +
        "  Warms up, then times each shape R times (default 3) for at least S seconds (default 0.5) each\n" +
        "  and reports the fastest repetition. --threads defaults to DESCENT_THREADS or the core count.";

    /// <summary>Runs the benchmark; returns the process exit code (0 ok, 1 bad options).</summary>
    public static int Run(string[] args)
    {
        Options o;
        try
        {
            o = Options.Parse(args);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"descent bench gemm: {e.Message} (see --help)");
            return 1;
        }
        if (o.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }

        ParallelFor.Threads = o.Threads;
        foreach (var (m, n, k) in o.Shapes)
        {
            double seconds = o.Double ? Time<double>(o, m, n, k) : Time<float>(o, m, n, k);
            double gflops = 2.0 * m * n * k / seconds / 1e9;
            string dtype = o.Double ? "f64" : "f32";
            if (o.Json)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"op\":\"gemm\",\"m\":{m},\"n\":{n},\"k\":{k},\"threads\":{o.Threads},\"dtype\":\"{dtype}\"," +
                    $"\"trans_a\":{Bool(o.TransA)},\"trans_b\":{Bool(o.TransB)},\"gflops\":{gflops:F3},\"seconds\":{seconds:G9}}}"));
            }
            else
            {
                string flags = (o.TransA ? "T" : "N") + (o.TransB ? "T" : "N");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"gemm {dtype} {flags} {m}x{n}x{k} threads={o.Threads} simd={KernelConfig.Simd}: " +
                    $"{gflops,8:F1} GFLOP/s  {seconds * 1e3,10:F4} ms/call"));
            }
        }
        return 0;
    }

    private static string Bool(bool b) => b ? "true" : "false";

    // Returns the fastest per-call time over the repetitions.
    private static double Time<T>(Options o, int m, int n, int k) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var rng = new Random(42);
        T[] Make(int count)
        {
            var x = new T[count];
            for (int i = 0; i < x.Length; i++)
                x[i] = T.CreateChecked(rng.NextDouble() * 2 - 1);
            return x;
        }
        T[] a = Make(m * k), b = Make(k * n), c = Make(m * n);
        int lda = o.TransA ? m : k, ldb = o.TransB ? k : n;

        void Call()
        {
            if (typeof(T) == typeof(float))
                Gemm.Sgemm(o.TransA, o.TransB, m, n, k, 1f, (float[])(object)a, lda, (float[])(object)b, ldb, 0f, (float[])(object)c, n);
            else
                Gemm.Dgemm(o.TransA, o.TransB, m, n, k, 1.0, (double[])(object)a, lda, (double[])(object)b, ldb, 0.0, (double[])(object)c, n);
        }

        // Warm-up: lets tiered JIT reach optimized code for the driver and touches all buffers.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 20 || warm.Elapsed.TotalSeconds < Math.Min(0.3, o.MinSeconds); i++)
            Call();

        double best = double.MaxValue;
        for (int r = 0; r < o.Repeat; r++)
        {
            long calls = 0;
            var sw = Stopwatch.StartNew();
            do
            {
                Call();
                calls++;
            }
            while (sw.Elapsed.TotalSeconds < o.MinSeconds);
            best = Math.Min(best, sw.Elapsed.TotalSeconds / calls);
        }
        return best;
    }

    private sealed class Options
    {
        public List<(int M, int N, int K)> Shapes { get; } = [];
        public int Threads { get; private set; } = ParallelFor.Threads;
        public bool Double { get; private set; }
        public bool TransA { get; private set; }
        public bool TransB { get; private set; }
        public bool Json { get; private set; }
        public bool Help { get; private set; }
        public int Repeat { get; private set; } = 3;
        public double MinSeconds { get; private set; } = 0.5;

        public static Options Parse(string[] args)
        {
            var o = new Options();
            int? m = null, n = null, k = null;
            for (int i = 0; i < args.Length; i++)
            {
                string arg = args[i];
                string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{arg} needs a value.");
                switch (arg)
                {
                    case "--m": m = Positive(arg, Value()); break;
                    case "--n": n = Positive(arg, Value()); break;
                    case "--k": k = Positive(arg, Value()); break;
                    case "--threads": o.Threads = Positive(arg, Value()); break;
                    case "--repeat": o.Repeat = Positive(arg, Value()); break;
                    case "--min-seconds":
                        string s = Value();
                        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double sec) || !(sec > 0))
                            throw new FormatException($"--min-seconds must be a positive number, got '{s}'.");
                        o.MinSeconds = sec;
                        break;
                    case "--dtype":
                        string d = Value();
                        o.Double = d switch
                        {
                            "f32" or "float32" => false,
                            "f64" or "float64" => true,
                            _ => throw new FormatException($"--dtype must be f32 or f64, got '{d}'."),
                        };
                        break;
                    case "--shapes":
                        foreach (string shape in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                            o.Shapes.Add(ParseShape(shape));
                        break;
                    case "--trans-a": o.TransA = true; break;
                    case "--trans-b": o.TransB = true; break;
                    case "--json": o.Json = true; break;
                    case "-h" or "--help": o.Help = true; break;
                    default: throw new FormatException($"unknown option '{arg}'.");
                }
            }
            if (o.Help)
                return o;
            if (m is not null || n is not null || k is not null)
            {
                if (m is null || n is null || k is null)
                    throw new FormatException("--m, --n and --k must be given together.");
                o.Shapes.Add((m.Value, n.Value, k.Value));
            }
            if (o.Shapes.Count == 0)
                throw new FormatException("give a shape with --m/--n/--k or --shapes.");
            return o;
        }

        private static int Positive(string option, string value) =>
            int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0
                ? v
                : throw new FormatException($"{option} must be a positive integer, got '{value}'.");

        private static (int, int, int) ParseShape(string shape)
        {
            string[] p = shape.Split('x', 'X');
            if (p.Length != 3)
                throw new FormatException($"--shapes entries are MxNxK, got '{shape}'.");
            return (Positive("--shapes", p[0]), Positive("--shapes", p[1]), Positive("--shapes", p[2]));
        }
    }
}
