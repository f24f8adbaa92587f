using Descent.Cli.Progress;
using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;
using Descent.Training.Callbacks;
using Spectre.Console;

namespace Descent.Tests.Cli;

/// <summary><c>descent train</c>'s live terminal bar, drawn from the numbers <see cref="ProgressCallback"/> computes.</summary>
public class LiveTrainingProgressTests
{
    [Fact]
    public void TheLiveBarShowsTheRunningEpochAndPrintsEachEpochsMetrics()
    {
        var data = SyntheticData.Blobs(64, classes: 2, features: 3, seed: 1);
        var model = new Sequential(new Linear(3, 2, generator: new Generator(0)));
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Sgd(model.Parameters(), new SgdOptions { Lr = 0.1 }));
        var screen = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(screen),
            Interactive = InteractionSupport.Yes,
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        using (var progress = new ProgressCallback(new LiveTrainingProgress(console)))
            trainer.With(progress).Fit(new DataLoader(data, 16), new DataLoader(data, 32), epochs: 2);
        var text = screen.ToString();
        // The bar's description (drawn by the live thread) and the metrics line of each epoch, printed above the bar.
        Assert.Contains("epoch 1/2  loss ", text);
        Assert.Matches(@"epoch 1/2  loss \d+\.\d{4}  val_loss \d+\.\d{4}  lr 0\.1  \d+\.\ds  [\d,]+ samples/s", text);
        Assert.Matches(@"epoch 2/2  loss \d+\.\d{4}  val_loss \d+\.\d{4}  lr 0\.1  \d+\.\ds  [\d,]+ samples/s", text);
    }
}
