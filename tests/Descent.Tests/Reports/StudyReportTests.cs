using Descent.Reports.Studies;

namespace Descent.Tests.Reports;

public class StudyReportTests
{
    private static System.Xml.Linq.XElement Chart(string html, string title) =>
        ReportFixtures.Svgs(html).Single(s => (string?)s.Attribute("aria-label") == title);

    [Fact]
    public void HasEverySectionAndChart()
    {
        var html = StudyReport.Render(ReportFixtures.Study());
        Assert.Equal(["Overview", "Optimization history", "Intermediate values", "Parallel coordinates", "Slice plots", "Parameter importance", "Trials"],
            ReportFixtures.Headings(html));
        Assert.Equal(["Optimization history: val_loss", "Intermediate values", "Parallel coordinates", "Slice: lr", "Slice: width", "Slice: optimizer",
            "Parameter importance (val_loss)"], ReportFixtures.ChartTitles(html));
    }

    [Fact]
    public void HistoryShowsCompleteTrialsAndABestSoFarStaircase()
    {
        var model = ReportFixtures.Study();
        var history = Chart(StudyReport.Render(model), "Optimization history: val_loss");
        int complete = model.Trials.Count(t => t.State == StudyTrial.Complete);
        Assert.Equal(8, complete);
        int pruned = model.Trials.Count(t => t.State == StudyTrial.Pruned && t.Intermediate.Count > 0);
        // Complete trials at their value, pruned ones (marked as such) at the last value they reported.
        Assert.Equal(complete, Markers(history, "objective"));
        Assert.Equal(pruned, Markers(history, StudyCharts.PrunedName));
        var best = (string)history.Descendants(ReportFixtures.Svg + "path").Single(p => (string?)p.Attribute("data-name") == "best so far").Attribute("d")!;
        Assert.Contains('H', best);
        // Best-so-far never gets worse: in SVG a lower value has a larger y, so y never decreases along the path.
        var ys = best.Split('V').Skip(1).Select(s => double.Parse(s.Split('H')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        for (int i = 1; i < ys.Count; i++) Assert.True(ys[i] >= ys[i - 1]);
    }

    private static int Markers(System.Xml.Linq.XElement chart, string series) =>
        chart.Descendants(ReportFixtures.Svg + "g").Where(g => (string?)g.Attribute("data-name") == series)
            .SelectMany(g => g.Elements(ReportFixtures.Svg + "circle")).Count();

    [Fact]
    public void IntermediateValuesShowPrunedTrialsInTheirOwnColour()
    {
        var inter = Chart(StudyReport.Render(ReportFixtures.Study()), "Intermediate values");
        var lines = inter.Descendants(ReportFixtures.Svg + "path").Where(p => (string?)p.Attribute("class") == "series").ToList();
        Assert.Equal(10, lines.Count); // every trial but the failed one reported values
        var pruned = lines.Where(p => (string?)p.Attribute("data-name") is "trial 3" or "trial 7").Select(p => (string?)p.Attribute("stroke")).Distinct().ToList();
        var complete = lines.Where(p => (string?)p.Attribute("data-name") == "trial 0").Select(p => (string?)p.Attribute("stroke")).Single();
        Assert.Single(pruned);
        Assert.NotEqual(complete, pruned[0]);
        // A compact legend (complete / pruned), not one entry per trial.
        Assert.Equal(2, inter.Descendants(ReportFixtures.Svg + "g").Single(g => (string?)g.Attribute("class") == "legend").Elements(ReportFixtures.Svg + "rect").Count());
    }

    [Fact]
    public void TrialsTableListsEveryTrialWithUserFacingParams()
    {
        var html = StudyReport.Render(ReportFixtures.Study());
        Assert.Contains("<th>number</th><th>state</th><th>val_loss</th><th>lr</th><th>width</th><th>optimizer</th>", html);
        Assert.Equal(11, System.Text.RegularExpressions.Regex.Count(html[html.IndexOf("<h2>Trials</h2>", StringComparison.Ordinal)..], "<tr><td>"));
        Assert.Contains("<td>rmsprop</td>", html);
        Assert.Contains("<td>Failed</td>", html);
        Assert.Contains("categorical axes show choice indices — optimizer: 0=sgd, 1=adam, 2=rmsprop", html);
    }

    [Fact]
    public void TwoObjectiveStudiesGetAParetoFront()
    {
        var html = StudyReport.Render(ReportFixtures.TwoObjectiveStudy());
        Assert.Contains("Pareto front", ReportFixtures.Headings(html));
        var chart = Chart(html, "Pareto front");
        var groups = chart.Descendants(ReportFixtures.Svg + "g").Where(g => (string?)g.Attribute("class") == "markers").ToList();
        Assert.Equal(3, groups.Single(g => (string?)g.Attribute("data-name") == "Pareto front").Elements().Count());
        Assert.Equal(3, groups.Single(g => (string?)g.Attribute("data-name") == "trials").Elements().Count());
        Assert.Contains("Pareto-optimal trials</th><td>0, 2, 4</td>", html);
        // Two histories (one per objective), no best-so-far line for a multi-objective study.
        Assert.Equal(2, ReportFixtures.ChartTitles(html).Count(t => t.StartsWith("Optimization history", StringComparison.Ordinal)));
        Assert.DoesNotContain("best so far", html);
    }

    [Fact]
    public void EscapesTheStudyNameAndParameterNames()
    {
        var m = ReportFixtures.Study("<script>alert('x')</script>");
        m = m with { Parameters = [.. m.Parameters, new StudyParameter("<img src=x>")] };
        var html = StudyReport.Render(m);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.Contains("<title>Study &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</title>", html);
        ReportFixtures.Svgs(html);
    }

    [Fact]
    public void StudyWithoutCompleteTrialsStillRenders()
    {
        var m = new StudyReportModel { StudyName = "empty", Trials = [new StudyTrial(0, "Running", null, new Dictionary<string, double>())] };
        var html = StudyReport.Render(m);
        Assert.Contains("No complete trials yet.", html);
        Assert.Empty(ReportFixtures.Svgs(html));
    }
}
