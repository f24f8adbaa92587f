using Descent.NN;
using Descent.Optim;
using Descent.Optim.Schedules;
using Descent.Tensors;
using Descent.Training.Callbacks;
using Descent.Experiments;

namespace Descent.Tests.Experiments;

/// <summary>From an experiment config to model, loss, optimizer, schedule, loaders and callbacks.</summary>
public class ExperimentBuilderTests
{
    [Theory]
    [InlineData("mlp", 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10)]
    [InlineData("mlp-bn", 784 * 256 + 2 * 256 + 256 * 128 + 2 * 128 + 128 * 10 + 10)]
    [InlineData("lenet5", 6 * 25 + 6 + 16 * 6 * 25 + 16 + 16 * 5 * 5 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10)]
    [InlineData("cnn-small", 32 * 9 + 2 * 32 + 32 * 32 * 9 + 2 * 32 + 64 * 32 * 9 + 2 * 64 + 64 * 64 * 9 + 2 * 64 + 64 * 7 * 7 * 128 + 128 + 128 * 10 + 10)]
    public void EachPresetBuildsForFashionMnist(string preset, long parameters)
    {
        var config = ExperimentConfig.Parse($"model: {preset}\n", "exp.yaml");
        var model = ExperimentBuilder.BuildModel(config, [1, 28, 28], 10, new Generator(0));
        Assert.Equal(parameters, model.ParameterCount);
        model.Eval();
        Assert.Equal([2, 10], model.Call(Tensor.Zeros(new Shape(2, 1, 28, 28))).Shape.ToArray());
    }

    [Fact]
    public void ALayerListInfersInputSizes()
    {
        var config = ExperimentConfig.Parse("""
            model:
              layers:
                - conv2d: {out: 8, kernel: 3, padding: 1}
                - batchnorm2d
                - relu
                - maxpool2d: 2
                - conv2d: {out: 4, kernel: 3, stride: 2}
                - flatten
                - linear: {out: 16, bias: false}
                - batchnorm1d
                - leaky_relu: 0.2
                - dropout: 0.1
                - linear
            """, "exp.yaml");
        var model = ExperimentBuilder.BuildModel(config, [1, 28, 28], 10, new Generator(0));
        var layers = model.NamedChildren().Select(c => c.Module).ToList();
        var conv2 = Assert.IsType<Conv2d>(layers[4]);
        // 28 → conv(pad 1) 28 → pool 14 → conv(k3, s2) 6: 4·6·6 = 144 flat features.
        var fc = Assert.IsType<Linear>(layers[6]);
        Assert.Equal(144, fc.InFeatures);
        Assert.Null(fc.Bias);
        var head = Assert.IsType<Linear>(layers[10]);
        Assert.Equal((16, 10), (head.InFeatures, head.OutFeatures));
        Assert.Equal(0.2, Assert.IsType<LeakyReLU>(layers[8]).NegativeSlope);
        Assert.Equal(0.1, Assert.IsType<Dropout>(layers[9]).P);
        Assert.Equal(8 * 9 + 8 + 2 * 8 + 4 * 8 * 9 + 4 + 144 * 16 + 2 * 16 + 16 * 10 + 10, model.ParameterCount);
        Assert.Equal(2, conv2.Stride.H);
        model.Eval();
        Assert.Equal([3, 10], model.Call(Tensor.Zeros(new Shape(3, 1, 28, 28))).Shape.ToArray());
    }

    [Fact]
    public void ShapeErrorsNameTheLayersLine()
    {
        var config = ExperimentConfig.Parse("model:\n  layers:\n    - relu\n    - linear: {out: 5}\n", "exp.yaml");
        var e = Assert.Throws<ConfigException>(() => ExperimentBuilder.BuildModel(config, [1, 28, 28], 10, new Generator(0)));
        Assert.Equal("exp.yaml:4:7: model.layers[1]: linear needs flat input features, but its input has shape [1, 28, 28]; add '- flatten' before it", e.Message);
        var pool = ExperimentConfig.Parse("model:\n  layers:\n    - maxpool2d: 2\n", "exp.yaml");
        e = Assert.Throws<ConfigException>(() => ExperimentBuilder.BuildModel(pool, [3], 2, new Generator(0)));
        Assert.StartsWith("exp.yaml:3:7: model.layers[0]: maxpool2d needs image input", e.Message);
    }

    [Fact]
    public void BuildsOptimizerScheduleAndCallbacksFromTheConfig()
    {
        var config = ExperimentConfig.Parse("""
            data:
              dataset: synthetic
              synthetic: {kind: blobs, samples: 200, classes: 3, features: 4}
              validation: 0.25
              batch_size: 16
            model: {preset: mlp, hidden: [8]}
            optimizer: {name: sgd, lr: 0.1, momentum: 0.9}
            schedule: {name: steplr, per: batch, step_size: 3, gamma: 0.5}
            regularization: {l2: 0.001, clip_norm: 1.0, nan_guard: skip}
            callbacks:
              early_stopping: {monitor: val_accuracy, patience: 2}
            """, "exp.yaml");
        var x = ExperimentBuilder.Build(config);
        Assert.Equal("cross_entropy", x.Config.Loss.Name);       // "auto" resolved for class labels
        Assert.Equal(["accuracy"], x.Config.Metrics);
        Assert.IsType<CrossEntropyLoss>(x.Loss);
        var sgd = Assert.IsType<Sgd>(x.Optimizer);
        Assert.Equal(0.9, ((SgdOptions)sgd.ParamGroups[0].Options).Momentum);
        Assert.IsType<StepLR>(x.Scheduler!.Schedule);
        Assert.Equal(ScheduleInterval.Batch, x.Scheduler.Interval);
        // 200 samples: 20% test (40), then 25% of the remaining 160 for validation (40).
        Assert.Equal((120, 40, 40), (x.Data.Train.Count, x.Data.Validation!.Count, x.Data.Test.Count));
        Assert.Equal(4 * 8 + 8 + 8 * 3 + 3, x.Model.ParameterCount);
        Assert.Contains(x.Callbacks, c => c is NanGuard { Action: NanAction.Skip });
        Assert.Contains(x.Callbacks, c => c is GradientClipping { MaxNorm: 1.0 });
        Assert.Contains(x.Callbacks, c => c is PenaltyCallback { L2: 0.001 });
        Assert.Equal("val_accuracy", x.EarlyStopping!.Monitor.Metric);
        Assert.Equal(16, x.TrainLoader.BatchSize(0));
    }

    [Fact]
    public void RejectsLossesAndMonitorsThatDoNotFitTheData()
    {
        var regression = "data: {dataset: synthetic, synthetic: {kind: linear, samples: 50}}\n";
        var e = Assert.Throws<ConfigException>(() => ExperimentBuilder.Build(ExperimentConfig.Parse(regression + "loss: cross_entropy\n", "exp.yaml")));
        Assert.Contains("cross_entropy needs class labels", e.Message);
        e = Assert.Throws<ConfigException>(() => ExperimentBuilder.Build(ExperimentConfig.Parse(regression + "callbacks: {checkpoint: {monitor: accuracy}}\n", "exp.yaml")));
        Assert.Contains("cannot monitor 'accuracy'", e.Message);
        var three = "data: {dataset: synthetic, synthetic: {kind: blobs, samples: 60, classes: 3}}\nloss: bce_with_logits\n";
        e = Assert.Throws<ConfigException>(() => ExperimentBuilder.Build(ExperimentConfig.Parse(three, "exp.yaml")));
        Assert.Contains("bce_with_logits is for two classes", e.Message);
    }
}
