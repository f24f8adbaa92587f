using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Descent.Reports.Charts;
using Descent.Search.Trace;
using Descent.Serialization;
using Descent.Tuning;

namespace Descent.Cli.Trace;

/// <summary>
/// <c>descent trace</c>: prints what an optimizer does step by step on a small function (the textbooks' worked tables:
/// gradient, internal state such as v or m, v, m̂, v̂, and θ), optionally drawing the trajectories over the contours as
/// SVG. The tracing and the expression parser live in <c>Descent.Search.Trace</c>, the named functions in
/// <see cref="BenchmarkSurfaces"/>, the drawing in <see cref="ContourChart"/>; this file only parses options and formats.
/// </summary>
public static class TraceCommand
{
    private static readonly string Usage =
        "usage: descent trace --optimizer NAME[,NAME...] --function EXPR|NAME\n" +
        "                     [--x0 A[,B]] [--lr 0.1] [--steps 10] [--momentum 0.9] [--beta1 0.9] [--beta2 0.999]\n" +
        "                     [--alpha 0.99] [--eps E] [--weight-decay W] [--set KEY=VALUE] [--svg out.svg]\n" +
        "                     [--range xmin,xmax,ymin,ymax] [--precision 6] [--json]\n" +
        "  optimizers (the names of experiment files, any case, and the textbook presets; repeat or comma-separate to\n" +
        $"  compare): {string.Join(", ", OptimizerTrace.Methods)}\n" +
        "  --momentum, --beta1/--beta2, --alpha, --eps, --weight-decay go to the optimizers that have them; --set KEY=VALUE\n" +
        "  sets any hyperparameter by its experiment-file name (e.g. --set amsgrad=true, --set betas=[0.8,0.99]) on every\n" +
        "  optimizer traced.\n" +
        $"  named functions: {string.Join(", ", BenchmarkSurfaces.Names)}\n" +
        "  EXPR uses x (and y), + - * / ^, sin cos exp log sqrt abs tanh …, pi, e; e.g. \"x^2\" or\n" +
        "  \"(1-x)^2 + 100*(y-x^2)^2\". --x0 defaults to a standard start for the named functions.";

    private static readonly string[] Valued =
        ["--optimizer", "--function", "--x0", "--lr", "--steps", "--momentum", "--beta1", "--beta2", "--alpha", "--eps",
         "--weight-decay", "--set", "--svg", "--range", "--precision"];

    /// <summary>The <c>trace</c> command: hands its raw arguments to <see cref="Run"/>.</summary>
    public static Command Create() =>
        RawArgsCommand.Create("trace", "Show an optimizer's steps on a function (gradient, state, θ) as a table, JSON or SVG.", Usage, Run);

    /// <summary>Runs the command; returns the exit code (0 ok, 1 user error).</summary>
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the command writing to <paramref name="output"/> and <paramref name="errors"/>; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        try
        {
            return Execute(args, output, errors);
        }
        catch (ExpressionParseException e)
        {
            errors.WriteLine($"descent trace: --function: {e.Message}");
            return 1;
        }
        catch (UserErrorException e)
        {
            errors.WriteLine(e.Message);
            errors.WriteLine(Usage);
            return 1;
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            errors.WriteLine($"descent trace: {CliErrors.OneLine(e)}");
            return 1;
        }
    }

    private static int Execute(string[] args, TextWriter output, TextWriter errors)
    {
        var a = new ArgReader("descent trace", args, Valued, ["--json"]);
        if (a.Flag("--help"))
        {
            output.WriteLine(Usage);
            return 0;
        }
        var methods = a.All("--optimizer");
        if (methods.Count == 0) throw new UserErrorException("descent trace: --optimizer is required.");
        foreach (var m in methods)
            if (!OptimizerTrace.Methods.Contains(m, StringComparer.OrdinalIgnoreCase))
                throw new UserErrorException($"descent trace: unknown optimizer '{m}' (known: {string.Join(", ", OptimizerTrace.Methods)}).");
        string functionText = a.Text("--function") ?? throw new UserErrorException("descent trace: --function is required.");
        var named = BenchmarkSurfaces.Find(functionText);
        IDifferentiableFunction function = named is not null ? named : Expression.Parse(functionText);
        var variables = function.Variables;
        if (variables.Count > 2)
            throw new UserErrorException($"descent trace: --function has {variables.Count} variables ({string.Join(", ", variables)}); use one or two.");
        IReadOnlyList<double> x0 = a.Numbers("--x0") ?? named?.Start
            ?? throw new UserErrorException("descent trace: --x0 is required for a custom --function.");
        if (x0.Count != variables.Count)
            throw new UserErrorException($"descent trace: --x0 has {x0.Count} value(s) but the function has {variables.Count} variable(s) ({string.Join(", ", variables)}).");
        int precision = a.Count("--precision") ?? 6;
        if (precision > 17) throw new UserErrorException("descent trace: --precision must be at most 17.");

        var settings = new TraceSettings
        {
            Lr = a.Number("--lr") ?? 0.1,
            Steps = a.Count("--steps", min: 0) ?? 10,
            WhereAccepted = SharedHyperparameters(a),
            Hyperparameters = a.Values("--set").Select(Assignment).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
        };
        var traces = methods.Select(m => OptimizerTrace.Run(m, function, x0, settings)).ToList();

        if (a.Flag("--json")) WriteJson(output, traces);
        else foreach (var t in traces) WriteTable(output, t, precision);

        if (a.Text("--svg") is { } path)
        {
            PlotRange? range = null;
            if (a.Numbers("--range") is { } r)
            {
                if (r.Length != 4) throw new UserErrorException("descent trace: --range needs xmin,xmax,ymin,ymax.");
                range = new PlotRange(r[0], r[1], r[2], r[3]);
            }
            else if (named is not null)
            {
                range = new PlotRange(named.X.Low, named.X.High, named.Y.Low, named.Y.High);
            }
            AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(TraceChart.Svg(traces, range, named?.Minima)));
            errors.WriteLine($"descent trace: wrote {path}");
        }
        return 0;
    }

    // The flags shared by every optimizer traced, under their experiment-file names; each optimizer takes those it has.
    private static Dictionary<string, object?> SharedHyperparameters(ArgReader a)
    {
        var shared = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (a.Number("--momentum") is double momentum) shared["momentum"] = momentum;
        if (a.Number("--beta1") is double || a.Number("--beta2") is double)
            shared["betas"] = new[] { a.Number("--beta1") ?? 0.9, a.Number("--beta2") ?? 0.999 };
        if (a.Number("--alpha") is double alpha) shared["alpha"] = alpha;
        if (a.Number("--eps") is double eps) shared["eps"] = eps;
        if (a.Number("--weight-decay") is double wd) shared["weight_decay"] = wd;
        return shared;
    }

    // KEY=VALUE: a number, true/false, a [list, of, numbers] or text (e.g. momentum_style=ema).
    private static KeyValuePair<string, object?> Assignment(string text)
    {
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) throw new UserErrorException($"descent trace: --set needs KEY=VALUE, got '{text}'.");
        string key = text[..eq].Trim(), value = text[(eq + 1)..].Trim();
        if (value.StartsWith('[') && value.EndsWith(']'))
            return new(key, value[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Scalar).ToList());
        return new(key, Scalar(value));

        static object Scalar(string v) =>
            double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d
            : bool.TryParse(v, out bool b) ? b
            : v;
    }

    private static void WriteTable(TextWriter output, TraceResult t, int precision)
    {
        var f = t.Function;
        int dimension = f.Variables.Count;
        string vars = string.Join(", ", f.Variables);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{t.Method} on f({vars}) = {f.Text}, from ({string.Join(", ", t.Start.Select(v => v.ToString("G", CultureInfo.InvariantCulture)))}), lr = {t.Lr:G}"));
        output.WriteLine($"  {t.Update}");
        var headers = new List<string> { "t" };
        foreach (var c in t.Columns)
        {
            int width = c.Key == "loss" ? 1 : dimension;
            for (int i = 0; i < width; i++)
                headers.Add(width == 1 ? c.Label : $"{c.Label}[{f.Variables[i]}]");
        }
        var rows = t.Rows.Select(r =>
        {
            var cells = new List<string> { r.Step.ToString(CultureInfo.InvariantCulture) };
            foreach (var values in r.Values)
                cells.AddRange(values.Select(v => v.ToString("G" + precision, CultureInfo.InvariantCulture)));
            return cells;
        }).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        for (int i = 0; i < headers.Count; i++) sb.Append(headers[i].PadLeft(widths[i] + (i == 0 ? 0 : 2)));
        output.WriteLine(sb.ToString());
        foreach (var row in rows)
        {
            sb.Clear();
            for (int i = 0; i < row.Count; i++) sb.Append(row[i].PadLeft(widths[i] + (i == 0 ? 0 : 2)));
            output.WriteLine(sb.ToString());
        }
        if (t.Diverged) output.WriteLine("  diverged: θ or f(θ) is no longer finite; stopped.");
        output.WriteLine();
    }

    private static void WriteJson(TextWriter output, List<TraceResult> traces)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var t in traces)
            {
                w.WriteStartObject();
                w.WriteString("optimizer", t.Method);
                w.WriteString("function", t.Function.Text);
                w.WriteStartArray("variables");
                foreach (var v in t.Function.Variables) w.WriteStringValue(v);
                w.WriteEndArray();
                w.WriteString("update", t.Update);
                w.WriteNumber("lr", t.Lr);
                w.WriteStartArray("x0");
                foreach (var v in t.Start) w.WriteNumberValue(v);
                w.WriteEndArray();
                w.WriteStartArray("rows");
                foreach (var r in t.Rows)
                {
                    w.WriteStartObject();
                    w.WriteNumber("t", r.Step);
                    for (int c = 0; c < t.Columns.Count; c++)
                    {
                        w.WriteStartArray(t.Columns[c].Key);
                        foreach (var v in r.Values[c])
                        {
                            if (double.IsFinite(v)) w.WriteNumberValue(v);
                            else w.WriteStringValue(v.ToString(CultureInfo.InvariantCulture));
                        }
                        w.WriteEndArray();
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteBoolean("diverged", t.Diverged);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }
}
