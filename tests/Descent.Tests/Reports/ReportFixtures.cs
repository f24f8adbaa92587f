using System.Text.RegularExpressions;
using System.Xml.Linq;
using Descent.Reports.Runs;
using Descent.Reports.Studies;

namespace Descent.Tests.Reports;

/// <summary>Hand-made report models (no trainer, no tuner) and helpers to take the rendered HTML apart.</summary>
public static partial class ReportFixtures
{
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>A 10-class classification run: 5 epochs, <paramref name="steps"/> steps, confusion matrix, summary, config.</summary>
    public static RunReportModel Run(int steps = 1000, string name = "mlp-demo")
    {
        double[] epochs = [1, 2, 3, 4, 5];
        var stepX = new double[steps];
        var loss = new double[steps];
        var lr = new double[steps];
        var gn = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            stepX[i] = i + 1;
            loss[i] = 2.3 * Math.Exp(-3.0 * i / steps) + 0.1 * Math.Sin(i * 0.37);
            lr[i] = 1e-3 * Math.Pow(0.5, 4.0 * i / steps);
            gn[i] = 1 + 0.5 * Math.Cos(i * 0.11);
        }
        var counts = new long[10, 10];
        for (int r = 0; r < 10; r++)
            for (int c = 0; c < 10; c++) counts[r, c] = r == c ? 90 + r : (r + c) % 3;
        return new RunReportModel
        {
            Name = name,
            Overview = [("status", "completed"), ("epochs", "5"), ("best epoch", "4")],
            Epochs = new EpochSeries(epochs,
            [
                new MetricColumn("loss", [1.2, 0.8, 0.6, 0.5, 0.45]),
                new MetricColumn("accuracy", [0.6, 0.75, 0.8, 0.83, 0.85]),
                new MetricColumn("val_loss", [1.1, 0.85, 0.7, 0.65, 0.66]),
                new MetricColumn("val_accuracy", [0.62, 0.73, 0.78, 0.8, 0.8]),
                new MetricColumn("lr", [1e-3, 8e-4, 6e-4, 4e-4, 2e-4]),
                new MetricColumn("seconds", [3.1, 2.9, 2.9, 3.0, 2.8]),
            ]),
            BestEpoch = 4,
            Steps = new StepSeries(stepX, loss, lr, gn),
            TestMetrics = [("loss", 0.66), ("accuracy", 0.8012)],
            Confusion = new ConfusionMatrix(counts, ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]),
            Model = new ModelSummary(
            [
                new ModelSummaryRow("Flatten", "[64, 784]", 0),
                new ModelSummaryRow("Linear(784, 256)", "[64, 256]", 200960),
                new ModelSummaryRow("Linear(256, 10)", "[64, 10]", 2570),
            ], 203530),
            Timing = [("seconds", "14.7"), ("samples/s", "20408")],
            Config = "model: mlp\noptimizer: {name: adam, lr: 0.001}\nnote: \"<script>alert(1)</script>\"\n",
        };
    }

    /// <summary>
    /// A single-objective study with a float (log), an int and a categorical parameter: 8 complete trials
    /// (with intermediate values), 2 pruned, 1 failed.
    /// </summary>
    public static StudyReportModel Study(string name = "mlp-tuning")
    {
        string[] opt = ["sgd", "adam", "rmsprop"];
        var trials = new List<StudyTrial>();
        for (int n = 0; n < 11; n++)
        {
            double lr = Math.Pow(10, -4 + 3.0 * ((n * 7) % 11) / 10);
            double width = 32 + 48 * (n % 5);
            double o = n % 3;
            string state = n is 3 or 7 ? StudyTrial.Pruned : n == 9 ? "Failed" : StudyTrial.Complete;
            double final = 0.3 + Math.Abs(Math.Log10(lr) + 2.5) * 0.1 + (o == 1 ? 0 : 0.05) + 20.0 / width * 0.01;
            int steps = state == StudyTrial.Pruned ? 3 : state == "Failed" ? 0 : 10;
            var inter = Enumerable.Range(1, steps).Select(s => ((double)s, final + 1.0 / s)).ToList();
            trials.Add(new StudyTrial(n, state, state == "Failed" ? null : [state == StudyTrial.Pruned ? inter[^1].Item2 : final],
                new Dictionary<string, double> { ["lr"] = lr, ["width"] = width, ["optimizer"] = o })
            {
                ParamText = new Dictionary<string, string> { ["optimizer"] = opt[(int)o] },
                Intermediate = inter,
                DurationSeconds = 1.5 + n * 0.1,
            });
        }
        var best = trials.Where(t => t.State == StudyTrial.Complete).MinBy(t => t.Values![0])!.Number;
        trials = trials.Select(t => t with { Best = t.Number == best }).ToList();
        return new StudyReportModel
        {
            StudyName = name,
            Objectives = [new StudyObjective("val_loss", Minimize: true)],
            Parameters = [new StudyParameter("lr", Log: true), new StudyParameter("width"), new StudyParameter("optimizer", Choices: opt)],
            Trials = trials,
            Importance = [("lr", 0.7), ("optimizer", 0.2), ("width", 0.1)],
            ImportanceNote = "fANOVA",
        };
    }

    /// <summary>A two-objective study (minimize error, minimize size) whose front is trials 0, 2 and 4.</summary>
    public static StudyReportModel TwoObjectiveStudy()
    {
        (double Err, double Size)[] v = [(0.10, 900), (0.20, 950), (0.15, 500), (0.30, 600), (0.40, 100), (0.45, 400)];
        var trials = v.Select((p, i) => new StudyTrial(i, StudyTrial.Complete, [p.Err, p.Size],
            new Dictionary<string, double> { ["width"] = p.Size / 10 })
        { Best = i is 0 or 2 or 4 }).ToList();
        return new StudyReportModel
        {
            StudyName = "pareto",
            Objectives = [new StudyObjective("error", true), new StudyObjective("size", true)],
            Parameters = [new StudyParameter("width")],
            Trials = trials,
        };
    }

    /// <summary>Every inline SVG of a page, parsed as XML (fails if one is not well-formed).</summary>
    public static List<XElement> Svgs(string html) =>
        SvgRegex().Matches(html).Select(m => XElement.Parse(m.Value)).ToList();

    /// <summary>The chart titles (first text of each SVG's title line) in page order.</summary>
    public static List<string> ChartTitles(string html) =>
        Svgs(html).Select(s => (string?)s.Attribute("aria-label") ?? "").ToList();

    /// <summary>The h2 section headings in page order.</summary>
    public static List<string> Headings(string html) =>
        HeadingRegex().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    [GeneratedRegex("<svg .*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgRegex();

    [GeneratedRegex("<h2>(.*?)</h2>")]
    private static partial Regex HeadingRegex();
}
