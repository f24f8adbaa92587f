using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;

namespace Descent.Tests.Training;

/// <summary>
/// The smallest run the checkpoint tests train: y = w·x + b in float64 fitted to 128 samples of y = 2x + 2 with Adam,
/// in shuffled batches of 16 (8 steps per epoch); and a callback that kills it mid-run.
/// </summary>
internal static class AffineRegression
{
    /// <summary>One weight and one bias.</summary>
    internal sealed class Affine : Module
    {
        public Affine()
        {
            W = RegisterParameter("w", Tensor.Zeros(new Shape(1), DType.Float64));
            B = RegisterParameter("b", Tensor.Zeros(new Shape(1), DType.Float64));
        }

        public Tensor W { get; }
        public Tensor B { get; }
        public override Tensor Forward(Tensor input) => input * W + B;
    }

    /// <summary>Simulates the process dying abruptly after step <c>steps</c> (no epoch-end work, no train-end work).</summary>
    internal sealed class DieAfterSteps(int steps) : ICallback
    {
        public void OnBatchEnd(TrainingContext context)
        {
            if (context.GlobalStep + 1 >= steps) throw new OperationCanceledException("killed");
        }
    }

    /// <summary>A trainer for a fresh model (Adam, lr 0.05, MSE).</summary>
    public static Trainer Make(out Affine model)
    {
        model = new Affine();
        var opt = OptimizerFactory.Create("Adam", model.Parameters(), new Dictionary<string, object?> { ["lr"] = 0.05 });
        return new Trainer(model, new MSELoss(), opt);
    }

    /// <summary>The training data, in the same order for every call.</summary>
    public static DataLoader Loader() =>
        new(SyntheticData.LinearRegression(128, 2.0, 2.0, noise: 0.01, seed: 4, dtype: DType.Float64), 16, shuffle: true, seed: 9);
}
