using System.Diagnostics;
using Descent.Cli;
using Descent.Training.Checkpointing;
using Descent.Experiments.Runs;

namespace Descent.Tests.Cli;

/// <summary><c>descent train</c>, <c>evaluate</c>, <c>predict</c> and <c>resume</c> end to end, including a SIGKILLed run.</summary>
public sealed class TrainCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-cli-train-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Runs => Path.Combine(_dir.FullName, "runs");

    /// <summary>A one-epoch MLP on 400 embedded Fashion-MNIST samples (also the teacher of the distill command tests).</summary>
    internal const string Tiny = """
        name: tiny
        seed: 1
        epochs: 1
        data:
          dataset: fashion-mnist
          source: embedded
          train_samples: 400
          test_samples: 100
          validation: 0.25
          batch_size: 32
          normalize: true
        model: {preset: mlp, hidden: [32]}
        optimizer: {name: adam, lr: 0.003}
        """;

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = Program.Run(args, output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static byte[][] Weights(string checkpoint) =>
        TrainingCheckpoint.Load(checkpoint).Model.Select(kv => kv.Value.ToDoubleArray().SelectMany(BitConverter.GetBytes).ToArray()).ToArray();

    [Fact]
    public void TrainWritesTheRunAndEvaluateAndPredictUseIt()
    {
        var exp = Write("tiny.yaml", Tiny);
        var (code, output, errors) = Cli("train", exp, "--runs-dir", Runs, "--set", "model.hidden=[24]");
        Assert.True(code == 0, errors);
        Assert.Contains("epoch 1/1", errors);                      // progress (plain lines: not a terminal)
        Assert.Matches(@"test accuracy: 0\.\d{4}", output);
        var run = RunDirectory.Open(Path.Combine(Runs, "tiny"));
        Assert.Contains($"report: {run.ReportPath}", output);
        foreach (var f in new[] { run.ConfigPath, run.MetricsPath, run.StepsPath, run.SummaryPath, run.LastCheckpointPath, run.BestCheckpointPath, run.ReportPath })
            Assert.True(File.Exists(f), f);
        Assert.Equal([24], run.ReadConfig().Model.Hidden!);
        Assert.Equal(10, run.ReadSteps().Count);                    // 300 training samples in batches of 32
        var summary = run.ReadSummary();
        Assert.Equal(100, summary.ConfusionMatrix!.Sum(r => r.Sum()));
        Assert.Contains($"test accuracy: {summary.Test["accuracy"]:F4}", output);

        // A second run of the same experiment gets its own directory.
        Assert.Equal(0, Cli("train", exp, "--runs-dir", Runs, "--quiet").Code);
        Assert.True(Directory.Exists(Path.Combine(Runs, "tiny-2")));

        (code, output, errors) = Cli("evaluate", run.Path);
        Assert.True(code == 0, errors);
        Assert.Contains("samples: 100", output);
        Assert.Contains($"test accuracy: {summary.Test["accuracy"]:F4}", output);  // best.ckpt is the only epoch's checkpoint
        Assert.Contains("confusion matrix", output);

        // Predict from pixel rows (with a label column, which is ignored) and from an IDX file.
        var header = "label," + string.Join(',', Enumerable.Range(0, 784).Select(i => $"p{i}"));
        var zeros = "3," + string.Join(',', Enumerable.Repeat("0", 784));
        var bright = "7," + string.Join(',', Enumerable.Repeat("255", 784));
        var csv = Write("pixels.csv", $"{header}\n{zeros}\n{bright}\n");
        var preds = Path.Combine(_dir.FullName, "preds.csv");
        (code, _, errors) = Cli("predict", run.LastCheckpointPath, csv, "--output", preds);
        Assert.True(code == 0, errors);
        var lines = File.ReadAllLines(preds);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("row,class,class_name,p_T-shirt/top,p_Trouser", lines[0]);
        var probabilities = lines[1].Split(',')[3..].Select(double.Parse).ToArray();
        Assert.Equal(1.0, probabilities.Sum(), 4);

        var idx = Path.Combine(_dir.FullName, "images-idx3-ubyte");
        Descent.Data.IdxFile.FromBytes(new byte[2 * 784].Select((_, i) => (byte)(i < 784 ? 0 : 255)).ToArray(), 2, 28, 28).Write(idx);
        (code, output, _) = Cli("predict", run.LastCheckpointPath, idx);
        Assert.Equal(0, code);
        var idxLines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines[1], idxLines[1]);                        // same images → same predictions
        Assert.Equal(lines[2], idxLines[2]);
    }

    [Fact]
    public void UserErrorsExitWithOneLine()
    {
        var bad = Write("bad.yaml", "epochs: 2\noptimizer:\n  name: adam\n  lr: fast\n");
        var (code, _, errors) = Cli("train", bad, "--runs-dir", Runs);
        Assert.Equal(1, code);
        Assert.Equal($"descent: {bad}:4:7: optimizer.lr: Adam: lr must be a number, got \"fast\".", errors.Trim().Split('\n')[^1]);
        Assert.False(Directory.Exists(Path.Combine(Runs, "experiment")));   // nothing is created for a run that cannot start

        (code, _, errors) = Cli("train", Path.Combine(_dir.FullName, "missing.yaml"));
        Assert.Equal(1, code);
        Assert.Contains("Experiment file not found", errors);

        (code, _, errors) = Cli("train", "--set", "epochs=0", "--runs-dir", Runs);
        Assert.Equal(1, code);
        Assert.Contains("descent: --set epochs=0: epochs: must be at least 1, got 0", errors);

        (code, _, errors) = Cli("resume", Path.Combine(_dir.FullName, "nowhere"));
        Assert.Equal(1, code);
        Assert.Contains("no such run directory", errors);
    }

    [Fact]
    public void ARunKilledWithSigkillResumesToTheWeightsOfAnUninterruptedRun()
    {
        var exp = Write("kill.yaml", Tiny.Replace("epochs: 1", "epochs: 2").Replace("train_samples: 400", "train_samples: 2400")
            .Replace("batch_size: 32", "batch_size: 16").Replace("hidden: [32]", "hidden: [256, 128]") +
            "\ncallbacks:\n  checkpoint: {every_steps: 5}\n");
        // The same run name in two folders, so that every file can be compared (the name is in summary.json and the report).
        var killedRun = new RunDirectory(Path.Combine(Runs, "killed", "run"));

        string dll = Path.Combine(AppContext.BaseDirectory, "Descent.Cli.dll");
        string host = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "train", exp, "--runs-dir", Path.Combine(Runs, "killed"), "--name", "run", "--quiet" }) psi.ArgumentList.Add(a);
        using (var child = Process.Start(psi)!)
        {
            child.OutputDataReceived += (_, _) => { };
            child.ErrorDataReceived += (_, _) => { };
            child.BeginOutputReadLine();
            child.BeginErrorReadLine();
            var clock = Stopwatch.StartNew();
            while (!File.Exists(killedRun.LastCheckpointPath) && !child.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
                Thread.Sleep(2);
            Assert.False(child.HasExited, "the training process ended before it could be killed");
            child.Kill();                                               // SIGKILL: no cleanup, no final checkpoint
            child.WaitForExit();
        }
        Assert.False(File.Exists(killedRun.SummaryPath), "the run finished before the kill");
        var saved = TrainingCheckpoint.Load(killedRun.LastCheckpointPath);
        Assert.True(saved.Resume.GlobalStep < 2 * 113, $"killed after the last step ({saved.Resume.GlobalStep})");

        // Resume and reference run as processes of their own, like the killed one: in the test host, tests running in
        // parallel advance the process-wide default generator, whose state every checkpoint stores.
        var (code, output, errors) = Child(dll, host, "resume", killedRun.Path, "--quiet");
        Assert.True(code == 0, errors);
        Assert.Contains("status: completed after 2 epoch(s)", output);

        Assert.Equal(0, Child(dll, host, "train", exp, "--runs-dir", Path.Combine(Runs, "uninterrupted"), "--name", "run", "--quiet").Code);
        var reference = new RunDirectory(Path.Combine(Runs, "uninterrupted", "run"));
        Assert.Equal(Weights(reference.LastCheckpointPath), Weights(killedRun.LastCheckpointPath));
        // Every file, not only the weights: metrics.csv's accuracy of the interrupted epoch counts the batches before the kill too.
        Experiments.Runs.RunFiles.AssertSame(reference.Path, killedRun.Path);
    }

    private static (int Code, string Out, string Err) Child(string dll, string host, params string[] args)
    {
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var child = Process.Start(psi)!;
        var stderr = child.StandardError.ReadToEndAsync();
        string stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        return (child.ExitCode, stdout, stderr.Result);
    }
}
