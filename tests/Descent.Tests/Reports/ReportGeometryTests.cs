using System.Text.Json;
using Descent.Reports.Runs;
using Descent.Reports.Studies;
using Microsoft.Playwright;

namespace Descent.Tests.Reports;

/// <summary>
/// The geometry of report charts as headless Chromium lays them out (#18): x axes end at the data, nothing is drawn
/// outside its SVG (tick labels, confusion-matrix headers in full), markers at the axis limits lie whole inside the plot,
/// legends cover no line or point, pruned trials appear in the history, parallel-coordinates and slice charts, and
/// studies of 1–3 trials still have labelled axes. Screenshots go to the test output folder (report-geometry/).
/// </summary>
public class ReportGeometryTests
{
    // Per SVG: its box, the plot frame (g.axes > path), text boxes, marker boxes, sampled series points, legend box.
    private const string Measure = """
        () => Array.from(document.querySelectorAll('svg')).map(svg => {
          const o = svg.getBoundingClientRect();
          const box = e => { const b = e.getBoundingClientRect(); return [b.left - o.left, b.top - o.top, b.right - o.left, b.bottom - o.top]; };
          const frame = svg.querySelector('g.axes > path');
          const legend = svg.querySelector('g.legend');
          const points = [];
          svg.querySelectorAll('path.series').forEach(p => {
            const n = p.getTotalLength(), m = p.getScreenCTM();
            for (let i = 0; i <= 200; i++) {
              const q = p.getPointAtLength(n * i / 200).matrixTransform(m);
              points.push([q.x - o.left, q.y - o.top]);
            }
          });
          return {
            label: svg.getAttribute('aria-label') || '',
            width: o.width, height: o.height,
            frame: frame ? box(frame) : null,
            texts: Array.from(svg.querySelectorAll('text')).map(t => ({ text: t.textContent, box: box(t), cls: t.getAttribute('class') || '' })),
            axisTexts: svg.querySelectorAll('g.axes text').length,
            markers: Array.from(svg.querySelectorAll('g.markers circle')).map(box),
            points,
            legend: legend ? box(legend) : null,
            prunedMarkers: svg.querySelectorAll('g.markers[data-name^="pruned"] circle').length,
            prunedRows: svg.querySelectorAll('path.row.pruned').length,
          };
        })
        """;

    private sealed record Chart(string Label, double Width, double Height, double[]? Frame, List<TextBox> Texts, int AxisTexts,
        List<double[]> Markers, List<double[]> Points, double[]? Legend, int PrunedMarkers, int PrunedRows);

    private sealed record TextBox(string Text, double[] Box, string Cls);

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private static async Task<List<List<Chart>>> LayOut(IReadOnlyList<(string Name, string Html)> pages)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "TestResults", "report-geometry");
        Directory.CreateDirectory(dir);
        Assert.True(File.Exists(HeadlessBrowser.ChromiumPath), $"{HeadlessBrowser.ChromiumPath} is missing (run .ci/setup)");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = HeadlessBrowser.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
        });
        var result = new List<List<Chart>>();
        foreach (var (name, html) in pages)
        {
            var path = Path.Combine(dir, name + ".html");
            await File.WriteAllTextAsync(path, html);
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
            await page.GotoAsync(new Uri(path).AbsoluteUri);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = true });
            var json = await page.EvaluateAsync<JsonElement>(Measure);
            result.Add(JsonSerializer.Deserialize<List<Chart>>(json.GetRawText(), JsonOptions)!);
            await page.CloseAsync();
        }
        return result;
    }

    // A maximized objective (its best-so-far line climbs to the top right, where legends used to sit) with pruned trials.
    private static StudyReportModel Study(int trials)
    {
        var list = new List<StudyTrial>();
        for (int i = 0; i < trials; i++)
        {
            double lr = Math.Pow(10, -4 + 3.0 * ((i * 7) % 11) / 10), dropout = (i % 5) / 10.0;
            var p = new Dictionary<string, double> { ["lr"] = lr, ["dropout"] = dropout };
            double acc = 0.6 + 0.3 * i / Math.Max(1, trials - 1);
            var steps = Enumerable.Range(1, 5).Select(s => ((double)s, acc * s / 5)).ToList();
            bool pruned = trials > 3 && i % 4 == 2;
            list.Add(pruned
                ? new StudyTrial(i, StudyTrial.Pruned, null, p) { Intermediate = steps.Take(2).ToList() }
                : new StudyTrial(i, StudyTrial.Complete, [acc], p) { Intermediate = steps, Best = i == trials - 1 });
        }
        return new StudyReportModel
        {
            StudyName = $"geometry-{trials}",
            Objectives = [new StudyObjective("val_accuracy", Minimize: false)],
            Parameters = [new StudyParameter("lr", Log: true), new StudyParameter("dropout")],
            Trials = list,
        };
    }

    [Fact]
    [Trait("Category", "Browser")]
    public async Task ChartsFitTheirDataAndTheirFrames()
    {
        var run = ReportFixtures.Run(steps: 500);
        var pages = new List<(string, string)> { ("run", RunReport.Render(run)) };
        foreach (int n in new[] { 12, 1, 2, 3 }) pages.Add(($"study-{n}", StudyReport.Render(Study(n))));
        var laidOut = await LayOut(pages);

        for (int p = 0; p < laidOut.Count; p++)
        {
            foreach (var c in laidOut[p])
            {
                string where = $"{pages[p].Item1}: \"{c.Label}\"";
                foreach (var t in c.Texts)
                    Assert.True(Inside(t.Box, [0, 0, c.Width, c.Height], 1), $"{where}: text '{t.Text}' at [{string.Join(", ", t.Box.Select(v => v.ToString("F0")))}] leaves the {c.Width}×{c.Height} SVG");
                if (c.Frame is not { } f) continue;
                foreach (var m in c.Markers)
                    Assert.True(Inside(m, f, 0.5), $"{where}: a marker at [{string.Join(", ", m.Select(v => v.ToString("F1")))}] is cut by the plot frame [{string.Join(", ", f.Select(v => v.ToString("F1")))}]");
                // The x axis ends at the data: the rightmost mark is within the axis inset of the frame's right end.
                var rights = c.Markers.Select(m => (m[0] + m[2]) / 2).Concat(c.Points.Select(q => q[0])).ToList();
                var lefts = c.Markers.Select(m => (m[0] + m[2]) / 2).Concat(c.Points.Select(q => q[0])).ToList();
                if (rights.Count > 0 && rights.Max() - lefts.Min() > 1)          // a single x value sits in the middle
                    Assert.True(f[2] - rights.Max() <= 8.5, $"{where}: the x axis runs {f[2] - rights.Max():F1} px past the data");
                Assert.True(c.AxisTexts >= 3, $"{where}: only {c.AxisTexts} axis labels");
                if (c.Legend is { } l)
                {
                    Assert.DoesNotContain(c.Markers, m => Overlap(m, l));
                    Assert.DoesNotContain(c.Points, q => Inside([q[0], q[1], q[0], q[1]], l, 0));
                }
            }
        }

        // The confusion matrix's column headers are the class names in full.
        var confusion = laidOut[0].Single(c => c.Label.Contains("onfusion", StringComparison.Ordinal));
        var headers = confusion.Texts.Where(t => t.Cls == "column-header").Select(t => t.Text).ToList();
        Assert.Equal(run.Confusion!.ClassNames, headers);

        // Pruned trials are in the history, parallel-coordinates and slice charts, marked as pruned.
        var study = laidOut[1];
        Assert.True(study.Single(c => c.Label.StartsWith("Optimization history", StringComparison.Ordinal)).PrunedMarkers == 3);
        Assert.True(study.Single(c => c.Label == "Parallel coordinates").PrunedRows == 3);
        var slices = study.Where(c => c.Label.StartsWith("Slice:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, slices.Count);
        Assert.All(slices, s => Assert.Equal(3, s.PrunedMarkers));
        Assert.Contains(study.SelectMany(c => c.Texts), t => t.Text == StudyCharts.PrunedName);

        // One trial: the history's x axis is labelled with the trial number only.
        var single = laidOut[2].Single(c => c.Label.StartsWith("Optimization history", StringComparison.Ordinal));
        Assert.Contains(single.Texts, t => t.Text == "0");
        Assert.DoesNotContain(single.Texts, t => t.Text == "-1");
    }

    private static bool Inside(double[] b, double[] r, double slack) =>
        b[0] >= r[0] - slack && b[1] >= r[1] - slack && b[2] <= r[2] + slack && b[3] <= r[3] + slack;

    private static bool Overlap(double[] a, double[] b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}
