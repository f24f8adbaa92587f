using System.CommandLine;
using System.Globalization;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Cli;

/// <summary><c>descent train</c>: trains a model. Until the trainer lands it runs a small autograd demo.</summary>
public static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "Gradient-descent steps of the demo.", DefaultValueFactory = _ => 200 };
        var lr = new Option<double>("--lr") { Description = "Learning rate of the demo.", DefaultValueFactory = _ => 0.1 };
        var cmd = new Command("train", "Train a model (currently: linear regression y = 2x + 2 recovered by autograd + gradient descent).")
        {
            epochs, lr,
        };
        cmd.SetAction(r => RunDemo(r.GetValue(epochs), r.GetValue(lr)));
        return cmd;
    }

    private static int RunDemo(int epochs, double lr)
    {
        if (epochs < 1) throw new UserErrorException($"--epochs must be at least 1, got {epochs}.");
        if (!(lr > 0)) throw new UserErrorException($"--lr must be positive, got {lr}.");
        var gen = new Generator(0);
        const int n = 64;
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = gen.NextDouble() * 2 - 1;
            ys[i] = 2 * xs[i] + 2 + 0.05 * gen.NextNormal();
        }
        var x = Tensor.FromArray(xs, n);
        var y = Tensor.FromArray(ys, n);
        var w = Tensor.Zeros(new Shape(1), DType.Float64).RequiresGradInPlace();
        var b = Tensor.Zeros(new Shape(1), DType.Float64).RequiresGradInPlace();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            using var step = StepScope.Begin();
            var err = x * w + b - y;
            var loss = (err * err).Sum() / n;
            w.Grad?.ZeroInPlace();
            b.Grad?.ZeroInPlace();
            loss.Backward();
            using (GradMode.Disable())
            {
                w.AddInPlace(w.Grad!, -lr);
                b.AddInPlace(b.Grad!, -lr);
            }
            if (epoch == 1 || epoch % 50 == 0 || epoch == epochs)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch,4}  loss {loss.Item():F6}  w {w.Item():F4}  b {b.Item():F4}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"recovered y = {w.Item():F3}x + {b.Item():F3} (true: 2x + 2)"));
        return 0;
    }
}
