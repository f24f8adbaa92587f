using Descent.Cli.Progress;
using Descent.Tests.Training;
using Descent.Training.Callbacks;

namespace Descent.Tests.Cli;

/// <summary><c>descent train</c>'s live terminal bar, drawn from the numbers <see cref="ProgressCallback"/> computes.</summary>
public class LiveTrainingProgressTests
{
    [Fact]
    public void TheLiveBarShowsTheRunningEpochAndPrintsEachEpochsMetrics()
    {
        var screen = new StringWriter();
        using (var progress = new ProgressCallback(new LiveTrainingProgress(InteractiveConsole.Into(screen))))
            ProgressCallbackTests.TrainTwoEpochs(progress);
        var text = screen.ToString();
        // The bar's description (drawn by the live thread) and the metrics line of each epoch, printed above the bar.
        Assert.Contains("epoch 1/2  loss ", text);
        Assert.Matches(@"epoch 1/2  loss \d+\.\d{4}  accuracy \d+\.\d{4}  val_loss \d+\.\d{4}  val_accuracy \d+\.\d{4}  lr 0\.1  \d+\.\ds  [\d,]+ samples/s", text);
        Assert.Matches(@"epoch 2/2  loss \d+\.\d{4}  accuracy \d+\.\d{4}  val_loss \d+\.\d{4}  val_accuracy \d+\.\d{4}  lr 0\.1  \d+\.\ds  [\d,]+ samples/s", text);
    }
}
