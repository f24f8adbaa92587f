using System.Globalization;
using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training;
using Descent.Training.Metrics;

namespace Descent.Examples.FashionBatchNorm;

/// <summary>
/// The seed text's batch-normalization model: 784 inputs → Dense(100) → BatchNormalization → ReLU → Dense(10, softmax),
/// trained with Adam and categorical cross-entropy on the Fashion-MNIST subset embedded in Descent.dll. As in PyTorch,
/// the last layer outputs logits and <see cref="CrossEntropyLoss"/> applies the softmax (log-softmax, numerically
/// stabler); <see cref="Softmax"/> turns logits into the class probabilities printed at the end.
/// </summary>
public static class Program
{
    /// <summary>Runs the example: <c>[epochs]</c> (default 5).</summary>
    public static int Main(string[] args)
    {
        Run(Console.Out, args);
        return 0;
    }

    /// <summary>Training history and test accuracy.</summary>
    public sealed record Result(History History, double TestAccuracy, double[] FirstTestProbabilities);

    /// <summary>Trains, prints each epoch and the test accuracy.</summary>
    public static Result Run(TextWriter output, string[] args)
    {
        int epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var options = new FashionMnistOptions { Source = FashionMnistSource.Embedded, Flatten = true };
        var train = FashionMnist.Load(DataSplit.Train, options: options);
        var test = FashionMnist.Load(DataSplit.Test, options: options);

        var generator = new Generator(0);
        var model = new Sequential(
            new Linear(784, 100, generator: generator),
            new BatchNorm1d(100),
            new ReLU(),
            new Linear(100, 10, generator: generator));
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters()),
            new TrainerOptions { Metrics = [() => new Accuracy()] });
        var history = trainer.Fit(new DataLoader(train, batchSize: 32, shuffle: true, seed: 0), epochs: epochs);
        for (int e = 0; e < history.Epochs.Count; e++)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {e + 1}/{epochs}  loss {history.Epochs[e]["loss"]:F4}  accuracy {history.Epochs[e]["accuracy"]:F4}"));
        var result = trainer.Evaluate(new DataLoader(test, batchSize: 256));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy {result.Metrics["accuracy"]:F4}"));

        double[] probabilities;
        model.Eval();
        using (GradMode.Disable())
            probabilities = new Softmax(1).Call(model.Call(test.Features.Narrow(0, 0, 1))).ToDoubleArray();
        int best = Array.IndexOf(probabilities, probabilities.Max());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first test image: {FashionMnist.ClassNames[best]} with p = {probabilities[best]:F3} (true: {FashionMnist.ClassNames[(int)test.Targets.GetDouble(0)]})"));
        return new Result(history, result.Metrics["accuracy"], probabilities);
    }
}
