using Descent.Cli;
using Descent.Compression.Quantization;
using Descent.Experiments;

namespace Descent.Tests.Experiments;

/// <summary>
/// descent quantize's flow on a small trained run: each mode writes a new run with an int8 checkpoint that
/// CheckpointModel rebuilds (same accuracy as reported), a report with sizes, accuracy, latency, per-layer errors and the
/// float boundary; bad requests fail with one-line errors.
/// </summary>
public sealed class QuantizationFlowTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-quantize-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Dir(string name) => Path.Combine(_dir.FullName, name);

    private const string Yaml = """
        name: blobs-mlp
        seed: 4
        epochs: 3
        data:
          dataset: synthetic
          synthetic: {kind: blobs, samples: 400, classes: 3, features: 6, noise: 1.5}
          batch_size: 16
          validation: 0.2
          normalize: true
        model:
          layers: [{linear: {out: 32}}, batchnorm1d, relu, {linear: {out: 16}}, relu, linear]
        optimizer: {name: adam, lr: 0.01}
        """;

    private string TrainedRun()
    {
        var path = Dir("float");
        ExperimentRunner.Run(ExperimentConfig.Parse(Yaml, "blobs.yaml"), path);
        return path;
    }

    [Theory]
    [InlineData("dynamic", "minmax")]
    [InlineData("static", "histogram")]
    [InlineData("static", "percentile")]
    [InlineData("qat", "minmax")]
    public void EachModeWritesARunWhoseInt8CheckpointLoadsAndEvaluatesAsReported(string mode, string observer)
    {
        var run = TrainedRun();
        var report = QuantizationFlow.Run(new QuantizeRequest(run, new QuantizationSpec(mode, Observer: observer), CalibrationBatches: 4, Epochs: 1,
            RunsDirectory: Dir("quantized"), LatencyBatches: [1, 8], LatencyRepeat: 1));
        Assert.True(Directory.Exists(report.RunDirectory));
        Assert.EndsWith($"float-int8-{mode}", report.RunDirectory);
        foreach (var file in new[] { "config.yaml", "checkpoints/best.ckpt", "checkpoints/best.safetensors", QuantizationReport.JsonFileName, QuantizationReport.MarkdownFileName })
            Assert.True(File.Exists(Path.Combine(report.RunDirectory, file)), file);
        Assert.True(report.Int8WeightBytes < report.Float32WeightBytes);
        Assert.Equal(3, report.Layers.Count(l => l.To is not null));
        Assert.Equal(3, report.LayerErrors.Count);
        Assert.All(report.LayerErrors, e => Assert.InRange(e.RelativeError, 1e-6, 0.2));
        Assert.Equal(2 * Math.Min(2, Environment.ProcessorCount), report.Latency.Count);
        Assert.All(report.Latency, l => Assert.True(l.Float32Micros > 0 && l.Int8Micros > 0));
        Assert.InRange(report.AccuracyDropPoints, -10, 10);
        // Dynamic quantization leaves the BatchNorm float (a boundary note); static and QAT fold it into the Linear.
        Assert.Equal(mode == "dynamic", report.Layers.Any(l => l.To is null && l.From == "BatchNorm1d"));
        var markdown = File.ReadAllText(Path.Combine(report.RunDirectory, QuantizationReport.MarkdownFileName));
        Assert.Contains("Per-layer quantization error", markdown);

        var loaded = CheckpointModel.Load(report.RunDirectory);
        Assert.Equal(mode, loaded.Quantization!.Mode);
        Assert.Equal(3, loaded.Model.NamedModules().Count(m => m.Module is QuantizedWeightModule));
        var (result, _) = loaded.Evaluate();
        Assert.Equal(report.Int8Accuracy, result.Metrics["accuracy"], 12);
        Assert.Contains("already quantized", Assert.Throws<ArgumentException>(() =>
            QuantizationFlow.Run(new QuantizeRequest(report.RunDirectory, new QuantizationSpec("dynamic"), LatencyBatches: [1], LatencyRepeat: 1))).Message);
    }

    [Fact]
    public void TheCommandPrintsTheReportAndRejectsBadOptionsInOneLine()
    {
        var run = TrainedRun();
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = Program.Run(["quantize", run, "--mode", "dynamic", "--per-tensor", "--latency-batches", "1", "--runs-dir", Dir("cli")], output, errors);
        Assert.True(code == 0, errors.ToString());
        Assert.Contains("test accuracy", output.ToString());
        Assert.Contains("run: ", output.ToString());
        Assert.Single(Directory.GetDirectories(Dir("cli")));

        foreach (var (args, message) in new[]
        {
            (new[] { "quantize", run, "--observer", "kl" }, "quantization observer 'kl'"),
            (new[] { "quantize", run, "--mode", "float16" }, "quantization mode 'float16'"),
            (new[] { "quantize", run, "--latency-batches", "0" }, "--latency-batches: '0'"),
            (new[] { "quantize", Dir("missing") }, "no such checkpoint file or run directory"),
        })
        {
            var err = new StringWriter();
            Assert.Equal(1, Program.Run(args, new StringWriter(), err));
            Assert.Contains(message, err.ToString());
            Assert.Single(err.ToString().Trim().Split('\n'));
        }
    }
}
