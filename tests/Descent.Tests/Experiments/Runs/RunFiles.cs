using System.Text.Json.Nodes;
using Descent.Cli.Reports;
using Descent.Reports.Runs;
using Descent.Serialization;

namespace Descent.Tests.Experiments.Runs;

/// <summary>
/// Compares two run directories file by file, timings aside: the same relative file names, and for each file the same
/// content once wall-clock values are left out (metrics.csv's <c>seconds</c> column, summary.json's <c>timing</c>, the
/// <c>seconds</c> in the histories inside checkpoints, the report's timing rows). Checkpoint tensors are compared bit
/// for bit. A resumed run must pass this against an uninterrupted one.
/// </summary>
internal static class RunFiles
{
    /// <summary>Asserts that <paramref name="actual"/> holds the files of <paramref name="expected"/> with the same contents.</summary>
    public static void AssertSame(string expected, string actual)
    {
        var names = Files(expected);
        Assert.Equal(names, Files(actual));
        foreach (var name in names)
        {
            string a = Path.Combine(expected, name), b = Path.Combine(actual, name);
            switch (Path.GetExtension(name))
            {
                case ".ckpt" or ".safetensors":
                    AssertSameTensors(a, b, name);
                    break;
                case ".json":
                    Assert.True(Normalized(JsonNode.Parse(File.ReadAllText(a))) == Normalized(JsonNode.Parse(File.ReadAllText(b))), $"{name} differs");
                    break;
                case ".csv" when name == "metrics.csv":
                    Assert.Equal(WithoutSeconds(a), WithoutSeconds(b));
                    break;
                case ".html":
                    // The report is what the files say: each renders from its own directory (byte for byte: the page
                    // holds no wall-clock time), and without the timing the two renderings are the same page.
                    Assert.True(File.ReadAllText(a) == RunReport.Render(RunReportWriter.BuildModel(expected)), $"{a} is not the report of its run");
                    Assert.True(File.ReadAllText(b) == RunReport.Render(RunReportWriter.BuildModel(actual)), $"{b} is not the report of its run");
                    Assert.True(UntimedReport(expected) == UntimedReport(actual), "report.html differs beyond timing");
                    break;
                default:
                    Assert.True(File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b)), $"{name} differs");
                    break;
            }
        }
    }

    /// <summary>Every file under <paramref name="dir"/> by relative path, sorted.</summary>
    public static List<string> Files(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f))
            .Order(StringComparer.Ordinal).ToList();

    private static void AssertSameTensors(string a, string b, string name)
    {
        var (x, y) = (SafeTensors.Load(a), SafeTensors.Load(b));
        Assert.Equal(x.Names, y.Names);
        foreach (var n in x.Names)
        {
            Assert.True(x[n].Shape == y[n].Shape && x[n].DType == y[n].DType, $"{name}: {n} has another shape or type");
            Assert.True(x[n].ToDoubleArray().SequenceEqual(y[n].ToDoubleArray()), $"{name}: tensor {n} differs");
        }
        Assert.Equal(x.Metadata.Keys.Order(StringComparer.Ordinal), y.Metadata.Keys.Order(StringComparer.Ordinal));
        foreach (var (k, v) in x.Metadata)
        {
            var w = y.Metadata[k];
            bool json = v.StartsWith('{');
            string nv = json ? Normalized(JsonNode.Parse(v)) : v, nw = json ? Normalized(JsonNode.Parse(w)) : w;
            Assert.True(nv == nw, $"{name}: metadata '{k}' differs: {Difference(nv, nw)}");
        }
    }

    // JSON text without wall-clock values: "seconds" entries anywhere and the summary's "timing".
    private static string Normalized(JsonNode? node)
    {
        Strip(node);
        return node?.ToJsonString() ?? "null";

        static void Strip(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    o.Remove("seconds");
                    o.Remove("timing");
                    foreach (var (_, v) in o.ToList()) Strip(v);
                    break;
                case JsonArray a:
                    foreach (var v in a) Strip(v);
                    break;
            }
        }
    }

    private static List<string> WithoutSeconds(string csv)
    {
        var lines = File.ReadAllLines(csv);
        int column = Array.IndexOf(lines[0].Split(','), "seconds");
        return lines.Select(l => column < 0 ? l : string.Join(',', l.Split(',').Where((_, i) => i != column))).ToList();
    }

    // The two texts around their first difference, for the failure message.
    private static string Difference(string a, string b)
    {
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        int from = Math.Max(0, i - 80);
        return $"…{a[from..Math.Min(a.Length, i + 80)]}… vs …{b[from..Math.Min(b.Length, i + 80)]}…";
    }

    private static string UntimedReport(string dir)
    {
        var model = RunReportWriter.BuildModel(dir);
        model = model with
        {
            Timing = [],
            Epochs = model.Epochs is { } e ? e with { Columns = e.Columns.Where(c => c.Name != "seconds").ToList() } : null,
        };
        return RunReport.Render(model);
    }
}
