using System.Globalization;
using Descent.NN;
using Descent.Optim;
using Descent.Optim.Schedules;
using Descent.Tensors;

namespace Descent.Examples.AdamExponentialDecay;

/// <summary>
/// The seed text's Keras example: Adam whose learning rate follows
/// <c>ExponentialDecay(initial_learning_rate=0.1, decay_steps=1000, decay_rate=0.96, staircase=True)</c>, i.e.
/// lr(step) = 0.1 · 0.96^⌊step / 1000⌋, advanced once per optimizer step. It trains a 10-5-1 MLP on a random linear
/// regression problem for 3000 steps in mini-batches and prints the rate and the loss as they change.
/// </summary>
public static class Program
{
    /// <summary>Runs the example: <c>[steps]</c> (default 3000).</summary>
    public static int Main(string[] args)
    {
        Run(Console.Out, args);
        return 0;
    }

    /// <summary>The learning rate used by each step and the loss of each step.</summary>
    public sealed record Result(double[] LearningRates, double[] Losses);

    /// <summary>Trains and prints; returns the rate and loss of every step.</summary>
    public static Result Run(TextWriter output, string[] args)
    {
        int steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3000;
        var generator = new Generator(0);
        var x = Tensor.Randn(new Shape(256, 10), generator: generator);
        var y = x.Matmul(Tensor.Randn(new Shape(10, 1), generator: generator)) + 0.1 * Tensor.Randn(new Shape(256, 1), generator: generator);

        var model = new Sequential(new Linear(10, 5, generator: generator), new ReLU(), new Linear(5, 1, generator: generator));
        var optimizer = new Adam(model.Parameters(), new AdamOptions());
        // Keras' schedule owns the initial rate (0.1); the scheduler writes lr(step) into the optimizer before each step.
        var schedule = new InitialLrSchedule(0.1, new KerasExponentialDecay(decaySteps: 1000, decayRate: 0.96, staircase: true));
        var scheduler = new LrScheduler(optimizer, schedule, ScheduleInterval.Batch);
        var criterion = new MSELoss();
        var rates = new double[steps];
        var losses = new double[steps];
        for (int step = 0; step < steps; step++)
        {
            using var scope = StepScope.Begin();
            int start = step % 8 * 32;   // eight mini-batches of 32
            var xb = x.Narrow(0, start, 32);
            var yb = y.Narrow(0, start, 32);
            optimizer.ZeroGrad();
            var loss = criterion.Call(model.Call(xb), yb);
            loss.Backward();
            rates[step] = optimizer.ParamGroups[0].Lr;
            optimizer.Step();
            scheduler.Step();
            losses[step] = loss.Item();
            if (step % 500 == 0 || step % 1000 == 999 || step == steps - 1)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {step,5}  lr {rates[step]:G6}  loss {losses[step]:F4}"));
        }
        return new Result(rates, losses);
    }
}
