using System.Globalization;
using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;
using Descent.Training.Metrics;

namespace Descent.Examples.BinaryClassifier;

/// <summary>
/// The seed text's binary classifier: 10 inputs → Dense(5, ReLU) → Dense(1, sigmoid), binary cross-entropy, Adam(0.001),
/// 1000 epochs (Keras' <c>model.fit(x, y, epochs=1000)</c>, batch size 32). The data: 10 random features per sample
/// and the label 1 when x₀ + x₁ − x₂ &gt; 0, so a small network can learn it; a held-out quarter measures accuracy.
/// </summary>
public static class Program
{
    /// <summary>Runs the example: <c>[epochs]</c> (default 1000).</summary>
    public static int Main(string[] args)
    {
        Run(Console.Out, args);
        return 0;
    }

    /// <summary>Training history and held-out accuracy.</summary>
    public sealed record Result(History History, double TestAccuracy);

    /// <summary>Trains, prints every 100th epoch and the held-out accuracy.</summary>
    public static Result Run(TextWriter output, string[] args)
    {
        int epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var generator = new Generator(0);
        var (train, test) = Split(MakeData(256, generator), 192);

        var model = new Sequential(new Linear(10, 5, generator: generator), new ReLU(), new Linear(5, 1, generator: generator), new Sigmoid());
        var trainer = new Trainer(model, new BCELoss(), new Adam(model.Parameters(), new AdamOptions { Lr = 0.001 }),
            new TrainerOptions { Metrics = [() => new Accuracy { Threshold = 0.5 }] });
        var history = trainer.Fit(new DataLoader(train, batchSize: 32, shuffle: true, seed: 0), epochs: epochs);
        for (int e = 0; e < history.Epochs.Count; e++)
            if ((e + 1) % 100 == 0 || e == 0)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {e + 1,4}  loss {history.Epochs[e]["loss"]:F4}  accuracy {history.Epochs[e]["accuracy"]:F4}"));
        double accuracy = trainer.Evaluate(new DataLoader(test, batchSize: 64)).Metrics["accuracy"];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"held-out accuracy {accuracy:F4}"));
        return new Result(history, accuracy);
    }

    private static TensorDataset MakeData(int n, Generator generator)
    {
        var x = Tensor.Randn(new Shape(n, 10), generator: generator);
        var labels = new float[n];
        for (int i = 0; i < n; i++)
            labels[i] = x.GetDouble(i * 10) + x.GetDouble(i * 10 + 1) - x.GetDouble(i * 10 + 2) > 0 ? 1f : 0f;
        return new TensorDataset(x, Tensor.FromArray(labels, n, 1));
    }

    private static (TensorDataset Train, TensorDataset Test) Split(TensorDataset all, int trainCount) =>
        (new TensorDataset(all.Features.Narrow(0, 0, trainCount), all.Targets.Narrow(0, 0, trainCount)),
         new TensorDataset(all.Features.Narrow(0, trainCount, all.Count - trainCount), all.Targets.Narrow(0, trainCount, all.Count - trainCount)));
}
