using System.Globalization;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Examples.MlpRegression;

/// <summary>
/// The seed text's first example: a 10-5-1 MLP with ReLU, trained with SGD(lr=0.01) and MSE on random data, printing
/// the loss every epoch. PyTorch:
/// <code>
/// model = nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 1))
/// criterion = nn.MSELoss(); optimizer = optim.SGD(model.parameters(), lr=0.01)
/// for epoch in range(100):
///     optimizer.zero_grad(); loss = criterion(model(x), y); loss.backward(); optimizer.step()
///     print(f"Epoch {epoch + 1}, Loss: {loss.item():.4f}")
/// </code>
/// The random inputs x ~ N(0, 1) get targets y = x·w + 0.1·ε for a random w, so there is something to learn.
/// </summary>
public static class Program
{
    /// <summary>Runs the example: <c>[epochs]</c> (default 100).</summary>
    public static int Main(string[] args)
    {
        Run(Console.Out, args);
        return 0;
    }

    /// <summary>Trains and prints the loss per epoch; returns the loss of every epoch.</summary>
    public static double[] Run(TextWriter output, string[] args)
    {
        int epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var generator = new Generator(0);
        var x = Tensor.Randn(new Shape(100, 10), generator: generator);
        var w = Tensor.Randn(new Shape(10, 1), generator: generator);
        var y = x.Matmul(w) + 0.1 * Tensor.Randn(new Shape(100, 1), generator: generator);

        var model = new Sequential(new Linear(10, 5, generator: generator), new ReLU(), new Linear(5, 1, generator: generator));
        var criterion = new MSELoss();
        var optimizer = new Sgd(model.Parameters(), new SgdOptions { Lr = 0.01 });
        var losses = new double[epochs];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            using var step = StepScope.Begin();
            optimizer.ZeroGrad();
            var loss = criterion.Call(model.Call(x), y);
            loss.Backward();
            optimizer.Step();
            losses[epoch] = loss.Item();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}, Loss: {losses[epoch]:F4}"));
        }
        return losses;
    }
}
