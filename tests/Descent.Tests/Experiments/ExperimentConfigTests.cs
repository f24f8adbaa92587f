using Descent.Experiments;

namespace Descent.Tests.Experiments;

/// <summary>Experiment files: typed values, defaults, overrides, the resolved form, and errors with file:line:column and key.</summary>
public class ExperimentConfigTests
{
    private static string ExamplesDir => Path.Combine(AppContext.BaseDirectory, "examples", "experiments");

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "examples", "experiments"), "*.yaml").Order())
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void EachExampleParsesAndItsResolvedFormRoundTrips(string file)
    {
        var config = ExperimentConfig.Load(Path.Combine(ExamplesDir, file));
        Assert.Equal(Path.GetFileNameWithoutExtension(file), config.Name);
        Assert.Equal("fashion-mnist", config.Data.Dataset);
        var yaml = config.ToYaml();
        Assert.Equal(yaml, ExperimentConfig.Parse(yaml, "resolved.yaml").ToYaml());
    }

    [Fact]
    public void TheExampleValuesAreRead()
    {
        var cnn = ExperimentConfig.Load(Path.Combine(ExamplesDir, "cnn-small.yaml"));
        Assert.Equal(15, cnn.Epochs);
        Assert.Equal(128, cnn.Data.BatchSize);
        Assert.Equal(2, cnn.Data.Augmentation.RandomCrop);
        Assert.Equal(0.5, cnn.Data.Augmentation.HFlip);
        Assert.Equal("cnn-small", cnn.Model.Preset);
        Assert.Equal(0.05, cnn.Loss.LabelSmoothing);
        Assert.Equal("adamw", cnn.Optimizer.Name);
        Assert.Equal(0.0005, cnn.Optimizer.Hyperparameters["weight_decay"]);
        Assert.Equal("OneCycleLR", cnn.Schedule!.Name);
        Assert.Equal("batch", cnn.Schedule.Per);
        Assert.Equal(4, cnn.Callbacks.EarlyStopping!.Patience);
        Assert.True(cnn.Callbacks.EarlyStopping.RestoreBestWeights);
        Assert.Equal("val_accuracy", cnn.Callbacks.Checkpoint.Monitor);

        var layers = ExperimentConfig.Load(Path.Combine(ExamplesDir, "layers-cnn.yaml")).Model.Layers!;
        Assert.Equal(12, layers.Count);
        Assert.Equal(("conv2d", 16.0, 3.0, 1.0), (layers[0].Type, layers[0].Options["out"], layers[0].Options["kernel"], layers[0].Options["padding"]));
        Assert.Equal(2, layers[3].Options["kernel"]);
        Assert.Equal(0.2, layers[10].Options["p"]);
        Assert.False(layers[11].Options.ContainsKey("out"));
    }

    [Fact]
    public void DefaultsFollowKerasAndPyTorch()
    {
        var c = ExperimentConfig.Parse("", "empty.yaml");
        Assert.Equal(1, c.Epochs);
        Assert.Equal(32, c.Data.BatchSize);
        Assert.True(c.Data.Shuffle);
        Assert.Equal("adam", c.Optimizer.Name);
        Assert.Equal(0.001, c.Optimizer.Hyperparameters["lr"]);
        Assert.Equal(new[] { 0.9, 0.999 }, (double[])c.Optimizer.Hyperparameters["betas"]!);
        Assert.Null(c.Schedule);
        Assert.Null(c.Callbacks.EarlyStopping);
        Assert.Equal("loss", c.Callbacks.Checkpoint.Monitor);   // no validation split → monitor the training loss
        Assert.Equal("stop", c.Regularization.NanGuard);
    }

    [Fact]
    public void OverridesUseDottedKeysAndYamlValues()
    {
        var c = ExperimentConfig.Parse("model: mlp\noptimizer: sgd\n", "exp.yaml",
            ["optimizer.lr=0.003", "model.hidden=[128]", "epochs=3", "optimizer.momentum=0.9"]);
        Assert.Equal("sgd", c.Optimizer.Name);
        Assert.Equal(0.003, c.Optimizer.Hyperparameters["lr"]);
        Assert.Equal(0.9, c.Optimizer.Hyperparameters["momentum"]);
        Assert.Equal([128], c.Model.Hidden!);
        Assert.Equal(3, c.Epochs);
    }

    [Theory]
    [InlineData("epochs: 3\nepoch: 4\n", "exp.yaml:2:8: epoch: unknown key 'epoch'")]
    [InlineData("data:\n  batch_size: 32\n  batchsize: 4\n", "exp.yaml:3:14: data.batchsize: unknown key 'batchsize'")]
    [InlineData("callbacks:\n  early_stopping:\n    patience: 2\n    patiense: 3\n", "exp.yaml:4:15: callbacks.early_stopping.patiense: unknown key 'patiense'")]
    [InlineData("model:\n  layers:\n    - linear: {out: 3, outs: 4}\n", "exp.yaml:3:30: model.layers[0].linear.outs: unknown key 'outs'")]
    public void UnknownKeysAreReportedWithFileLineAndKey(string yaml, string expectedStart)
    {
        var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse(yaml, "exp.yaml"));
        Assert.StartsWith(expectedStart, e.Message);
    }

    [Theory]
    [InlineData("epochs: many\n", "exp.yaml:1:9: epochs: expected an integer, got 'many'")]
    [InlineData("data:\n  shuffle: maybe\n", "exp.yaml:2:12: data.shuffle: expected true or false, got 'maybe'")]
    [InlineData("optimizer:\n  name: adam\n  lr: fast\n", "exp.yaml:3:7: optimizer.lr: Adam: lr must be a number, got \"fast\".")]
    [InlineData("model:\n  preset: mlp\n  hidden: {a: 1}\n", "exp.yaml:3:11: model.hidden: expected a single value, got a mapping")]
    public void WrongTypesAreReportedWithFileLineAndKey(string yaml, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse(yaml, "exp.yaml"));
        Assert.Equal(expected, e.Message);
    }

    [Theory]
    [InlineData("epochs: 0\n", "exp.yaml:1:9: epochs: must be at least 1, got 0")]
    [InlineData("data:\n  validation: 1.5\n", "exp.yaml:2:15: data.validation: must be in [0, 1), got 1.5")]
    [InlineData("data:\n  dataset: imagenet\n", "exp.yaml:2:12: data.dataset: 'imagenet' is not one of fashion-mnist, csv, synthetic")]
    [InlineData("model:\n  preset: resnet\n", "exp.yaml:2:11: model.preset: 'resnet' is not one of mlp, mlp-bn, lenet5, cnn-small")]
    [InlineData("optimizer:\n  name: adam\n  lr: -1\n", "exp.yaml:3:7: optimizer.lr: Adam: lr must be ≥ 0")]
    [InlineData("optimizer:\n  name: adam\n  momentum: 0.9\n", "exp.yaml:3:13: optimizer.momentum: Adam: unknown hyperparameter 'momentum'")]
    [InlineData("optimizer: adamm\n", "exp.yaml:1:12: optimizer: unknown optimizer 'adamm'")]
    [InlineData("schedule:\n  name: StepLR\n  step_size: 2\n  gama: 0.5\n", "exp.yaml:4:9: schedule.gama: StepLR: unknown hyperparameter 'gama'")]
    [InlineData("schedule: warmup\n", "exp.yaml:1:11: schedule: unknown schedule 'warmup'")]
    [InlineData("model:\n  layers:\n    - relu\n    - conv3d: {out: 4}\n", "exp.yaml:4:7: model.layers[1]: unknown layer 'conv3d'")]
    [InlineData("model:\n  layers:\n    - conv2d: {out: 4}\n", "exp.yaml:3:7: model.layers[0]: conv2d needs 'kernel'")]
    [InlineData("model:\n  layers:\n    - dropout: 1.5\n", "exp.yaml:3:16: model.layers[0].dropout: p must be in [0, 1], got 1.5")]
    [InlineData("callbacks:\n  early_stopping: {monitor: val_accuracy}\n", "exp.yaml:2:29: callbacks.early_stopping.monitor: 'val_accuracy' needs a validation split")]
    [InlineData("loss:\n  name: mse\n  label_smoothing: 0.1\n", "exp.yaml:3:20: loss.label_smoothing: 'label_smoothing' applies to cross_entropy only")]
    [InlineData("name: a/b\n", "exp.yaml:1:7: name: 'a/b' holds '/'; a run name uses letters")]
    public void BadValuesAreReportedWithFileLineAndKey(string yaml, string expectedStart)
    {
        var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse(yaml, "exp.yaml"));
        Assert.StartsWith(expectedStart, e.Message);
    }

    [Fact]
    public void OverridesOfUnknownKeysAreReportedToo()
    {
        var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse("epochs: 2\n", "exp.yaml", ["optimizer.lrr=0.1"]));
        Assert.Equal("--set optimizer.lrr=0.1: optimizer.lrr: Adam: unknown hyperparameter 'lrr' (known: lr, betas, eps, weight_decay, amsgrad, maximize).", e.Message);
        e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse("epochs: 2\n", "exp.yaml", ["data.batch_sise=8"]));
        Assert.StartsWith("--set data.batch_sise=8: data.batch_sise: unknown key 'batch_sise'", e.Message);
    }
}
