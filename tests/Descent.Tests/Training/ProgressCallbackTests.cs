using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Metrics;

namespace Descent.Tests.Training;

/// <summary>The progress callback with the plain-line display (used whenever the output is not a terminal).</summary>
public class ProgressCallbackTests
{
    [Fact]
    public void PlainModePrintsProgressLinesAndOneLinePerEpoch()
    {
        var output = new StringWriter();
        using (var progress = new ProgressCallback(new PlainTextProgress(output) { Interval = TimeSpan.Zero }))
            TrainTwoEpochs(progress);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Four batches per epoch: a progress line after each (interval 0), then the epoch's metrics.
        Assert.Equal(10, lines.Length);
        Assert.Matches(@"^epoch 1/2  loss \d+\.\d{4}  [\d,]+ samples/s  ETA \d+:\d\d  batch 1/4$", lines[0].TrimEnd());
        Assert.StartsWith("epoch 1/2  loss ", lines[4]);
        Assert.Contains("  accuracy ", lines[4]);
        Assert.Contains("  val_loss ", lines[4]);
        Assert.Contains("  val_accuracy ", lines[4]);
        Assert.Matches(@"  lr 0\.1  \d+\.\ds  [\d,]+ samples/s$", lines[4].TrimEnd());
        Assert.Contains("batch 4/4", lines[8]);
        Assert.StartsWith("epoch 2/2  loss ", lines[9]);
    }

    /// <summary>Two epochs of four batches (64 samples, batches of 16, accuracy), validated, reported to <paramref name="progress"/>.</summary>
    internal static void TrainTwoEpochs(ICallback progress)
    {
        var data = SyntheticData.Blobs(64, classes: 2, features: 3, seed: 1);
        var model = new Sequential(new Linear(3, 2, generator: new Generator(0)));
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Sgd(model.Parameters(), new SgdOptions { Lr = 0.1 }),
            new TrainerOptions { Metrics = [() => new Accuracy()] });
        trainer.With(progress).Fit(new DataLoader(data, 16), new DataLoader(data, 32), epochs: 2);
    }
}
