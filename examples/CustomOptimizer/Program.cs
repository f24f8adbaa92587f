using System.Globalization;
using Descent.Data;
using Descent.Experiments;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Checkpointing;

namespace Descent.Examples.CustomOptimizer;

/// <summary>
/// The library's extension points used from outside it: <see cref="Lion"/> (a custom optimizer, also registered by
/// name for experiment files),
/// <see cref="Squareplus"/> (a custom autograd function, gradient-checked here in float64), <see cref="ReZeroBlock"/>
/// (a custom module) and <see cref="SimulatedCrash"/> (a custom callback). A small MLP with the block trains on a
/// subset of the embedded Fashion-MNIST with the Trainer, a warmup + cosine schedule and gradient clipping; a second
/// run writes checkpoints every few steps and "crashes"; a third resumes from the last checkpoint, and its weights and
/// losses are compared with the uninterrupted run's — they must be identical to the bit.
/// </summary>
public static class Program
{
    private const int Epochs = 3;
    private const int BatchSize = 64;
    private const int CheckpointEvery = 10;
    private const int CrashAfter = 25;

    /// <summary>Runs the example: <c>[train samples]</c> (default 1024, a multiple of 64 keeps every batch full).</summary>
    public static int Main(string[] args)
    {
        var result = Run(Console.Out, args);
        return result.WeightsIdentical && result.LossesIdentical ? 0 : 1;
    }

    /// <summary>What the example shows.</summary>
    /// <param name="Uninterrupted">History of the run without interruption.</param>
    /// <param name="Resumed">History of the resumed run (the checkpoint's epochs, then the rest).</param>
    /// <param name="ResumedFromStep">The optimizer step the checkpoint was taken after.</param>
    /// <param name="WeightsIdentical">Every weight of the resumed run equals the uninterrupted run's, bit for bit.</param>
    /// <param name="LossesIdentical">The per-epoch losses of both runs are equal.</param>
    /// <param name="TestAccuracy">Accuracy of the resumed model on 500 test images.</param>
    public sealed record Result(History Uninterrupted, History Resumed, long ResumedFromStep, bool WeightsIdentical,
        bool LossesIdentical, double TestAccuracy);

    /// <summary>Gradient-checks Squareplus, trains, crashes, resumes and compares; prints each stage.</summary>
    public static Result Run(TextWriter output, string[] args)
    {
        int trainCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1024;
        CheckGradients();
        output.WriteLine("gradcheck Squareplus (float64, elementwise and inside a broadcast product): passed");

        // Registered by name, Lion is an optimizer experiment files and descent tune search spaces can name.
        Lion.Register();
        var experiment = ExperimentConfig.Parse("optimizer: {name: lion, lr: 3e-4, betas: [0.9, 0.99], weight_decay: 0.1}\n", "lion.yaml");
        output.WriteLine($"registered: lion.yaml's optimizer reads as {experiment.Optimizer.Options}");

        var options = new FashionMnistOptions { Source = FashionMnistSource.Embedded, Flatten = true };
        var train = new Subset(FashionMnist.Load(DataSplit.Train, options: options), Enumerable.Range(0, trainCount).ToArray());
        var test = new Subset(FashionMnist.Load(DataSplit.Test, options: options), Enumerable.Range(0, 500).ToArray());
        DataLoader Loader() => new(train, BatchSize, shuffle: true, seed: 0);
        int totalSteps = Epochs * Loader().BatchCount(0);

        var reference = TrainingRun.Create(totalSteps);
        output.Write(reference.Model.Summary(1, 784));
        var uninterrupted = reference.Trainer.Fit(Loader(), epochs: Epochs);
        Print(output, "uninterrupted", uninterrupted, 0);

        var directory = Directory.CreateTempSubdirectory("descent-custom-optimizer-");
        try
        {
            var crashing = TrainingRun.Create(totalSteps);
            // After the scheduler callback, so a checkpoint holds the learning rate of the next step.
            var checkpoint = new ModelCheckpoint(directory.FullName, monitor: "loss", saveBest: false, everySteps: CheckpointEvery)
            {
                Extras = () => new Dictionary<string, Dictionary<string, object?>> { ["scheduler"] = crashing.Scheduler.StateDict() },
            };
            try
            {
                crashing.Trainer.With(checkpoint, new SimulatedCrash(CrashAfter)).Fit(Loader(), epochs: Epochs);
                throw new InvalidOperationException("the simulated crash did not happen");
            }
            catch (OperationCanceledException e)
            {
                output.WriteLine($"interrupted: {e.Message}");
            }

            var saved = TrainingCheckpoint.Load(checkpoint.LastPath);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"resuming from {Path.GetFileName(checkpoint.LastPath)}: step {saved.Resume.GlobalStep}, epoch {saved.Resume.Epoch + 1}, batch {saved.Resume.BatchIndex}"));
            var resumedRun = TrainingRun.Create(totalSteps);
            saved.Restore(resumedRun.Model, resumedRun.Optimizer);
            resumedRun.Scheduler.LoadStateDict(saved.Extras["scheduler"]);
            var resumed = resumedRun.Trainer.Fit(Loader(), epochs: Epochs, resume: saved.Resume);
            Print(output, "resumed", resumed, saved.Resume.Epoch);

            var (identical, tensors) = SameWeights(reference.Model, resumedRun.Model);
            bool sameLosses = uninterrupted.Series("loss").SequenceEqual(resumed.Series("loss"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"resumed vs uninterrupted: {tensors} weight tensors {(identical ? "bit-identical" : "DIFFERENT")}, epoch losses {(sameLosses ? "identical" : "DIFFERENT")}"));

            var accuracy = resumedRun.Trainer.Evaluate(new DataLoader(test, batchSize: 250)).Metrics["accuracy"];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy {accuracy:F4} (500 images)"));
            return new Result(uninterrupted, resumed, saved.Resume.GlobalStep, identical, sameLosses, accuracy);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Float64 finite differences against Squareplus' backward (throws <see cref="GradCheckException"/> on a mismatch).</summary>
    private static void CheckGradients()
    {
        var x = Tensor.Linspace(-3, 3, 12, DType.Float64).Reshape(3, 4).RequiresGradInPlace();
        GradCheck.Assert(xs => new Squareplus().Apply(xs[0]), [x]);
        var scale = Tensor.FromArray([0.5, -1.0, 2.0, 1.5], 4).RequiresGradInPlace();
        GradCheck.Assert(xs => new Squareplus(b: 0.5).Apply(xs[0] * xs[1]), [x, scale]);
    }

    private static (bool Identical, int Count) SameWeights(Module a, Module b)
    {
        var (sa, sb) = (a.StateDict(), b.StateDict());
        bool identical = sa.Keys.SequenceEqual(sb.Keys)
            && sa.Keys.All(k => sa[k].ToDoubleArray().SequenceEqual(sb[k].ToDoubleArray()));
        return (identical, sa.Count);
    }

    // Loss and learning rate only: this short, fixed output is what the example compares (checkpoints also carry the
    // train metrics' accumulators, IMetric.StateDict, so a resumed epoch's train accuracy counts every batch).
    private static void Print(TextWriter output, string label, History history, int fromEpoch)
    {
        for (int e = fromEpoch; e < history.Epochs.Count; e++)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label,-13} epoch {e + 1}/{Epochs}  loss {history.Epochs[e]["loss"]:R}  lr {history.Epochs[e]["lr"]:G4}"));
    }
}
