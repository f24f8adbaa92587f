using System.Globalization;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Examples.LinearRegression;

/// <summary>
/// The seed text's linear regression: a single <c>Linear(1, 1)</c> trained with SGD and MSE on data from y = 2x + 2
/// recovers the weight w = 2 and the bias b = 2.
/// <code>
/// x = torch.randn(100, 1); y = 2 * x + 2
/// model = nn.Linear(1, 1); optimizer = optim.SGD(model.parameters(), lr=0.01)
/// for epoch in range(1000): optimizer.zero_grad(); loss = criterion(model(x), y); loss.backward(); optimizer.step()
/// </code>
/// </summary>
public static class Program
{
    /// <summary>Runs the example: <c>[epochs]</c> (default 1000).</summary>
    public static int Main(string[] args)
    {
        Run(Console.Out, args);
        return 0;
    }

    /// <summary>The recovered weight and bias and the final loss.</summary>
    public sealed record Result(double Weight, double Bias, double Loss);

    /// <summary>Trains and prints progress; returns w, b and the final loss.</summary>
    public static Result Run(TextWriter output, string[] args)
    {
        int epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var generator = new Generator(0);
        var x = Tensor.Randn(new Shape(100, 1), generator: generator);
        var y = 2 * x + 2;

        var model = new Linear(1, 1, generator: generator);
        var criterion = new MSELoss();
        var optimizer = new Sgd(model.Parameters(), new SgdOptions { Lr = 0.01 });
        double loss = double.NaN;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            using var step = StepScope.Begin();
            optimizer.ZeroGrad();
            var l = criterion.Call(model.Call(x), y);
            l.Backward();
            optimizer.Step();
            loss = l.Item();
            if (epoch == 1 || epoch % 100 == 0)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {epoch,4}  loss {loss:F6}  w {model.Weight.Item():F4}  b {model.Bias!.Item():F4}"));
        }
        double w = model.Weight.Item(), b = model.Bias!.Item();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"learned y = {w:F4}x + {b:F4} (true: y = 2x + 2)"));
        return new Result(w, b, loss);
    }
}
