using Descent.Compression.Distillation;
using Descent.Compression.Pruning.Unstructured;
using Descent.Data;
using Descent.NN;
using Descent.NN.Architecture;
using Descent.Optim;
using Descent.Optim.Schedules;
using Descent.Tensors;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Metrics;

namespace Descent.Experiments;

/// <summary>
/// Turns an <see cref="ExperimentConfig"/> into the objects of a run: data, model, loss, optimizer, schedule,
/// loaders and the training callbacks (clipping, penalties, NaN guard, schedule, early stopping). Run-directory
/// callbacks (logs, checkpoints) are added by <see cref="ExperimentRunner"/>.
/// </summary>
public static class ExperimentBuilder
{
    /// <summary>Loads the data and builds everything for <paramref name="config"/>.</summary>
    public static Experiment Build(ExperimentConfig config) => Build(config, ExperimentDataLoader.Load(config));

    /// <summary>
    /// Loads the data and builds everything for <paramref name="config"/>, the model from <paramref name="architecture"/>
    /// (a checkpoint's, e.g. a pruned model's smaller layers) instead of the config's model section when given.
    /// </summary>
    public static Experiment Build(ExperimentConfig config, ModelArchitecture? architecture) =>
        Build(config, ExperimentDataLoader.Load(config), architecture);

    /// <summary>
    /// Builds everything for <paramref name="config"/> over already loaded <paramref name="data"/>; the model from
    /// <paramref name="architecture"/> when given (see <see cref="BuildModel(ModelArchitecture, ExperimentConfig, int[], int, Generator, string)"/>).
    /// </summary>
    public static Experiment Build(ExperimentConfig config, ExperimentData data, ModelArchitecture? architecture = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        config = Resolve(config, data);
        var generator = new Generator(config.Seed);
        var model = architecture is null
            ? BuildModel(config, data.InputShape, Outputs(config, data), generator)
            : BuildModel(architecture, config, data.InputShape, Outputs(config, data), generator, "the checkpoint");
        var loss = BuildLoss(config.Loss);
        Distiller? distiller = null;
        Module trained = model;
        if (config.Distillation is { } kd) (distiller, trained) = DistillationSetup.Create(kd, config, data, model, Outputs(config, data));
        var optimizer = OptimizerFactory.Create(trained.Parameters(), config.Optimizer.Options);
        LrScheduler? scheduler = null;
        ReduceLROnPlateau? plateau = null;
        var callbacks = new List<ICallback>();
        // Order matters: the NaN guard sees the raw gradients, clipping runs after it, penalties join the loss
        // before backward, and the schedule advances after the step.
        if (config.Regularization.NanGuard != "off")
            callbacks.Add(new NanGuard(config.Regularization.NanGuard == "skip" ? NanAction.Skip : NanAction.Stop));
        if (config.Regularization.ClipNorm > 0 || config.Regularization.ClipValue > 0)
            callbacks.Add(new GradientClipping(config.Regularization.ClipNorm, 2, config.Regularization.ClipValue));
        if (config.Regularization.L1 > 0 || config.Regularization.L2 > 0)
            callbacks.Add(new PenaltyCallback(config.Regularization.L1, config.Regularization.L2));
        if (config.Schedule is { } s)
        {
            if (s.Options is ReduceLROnPlateauOptions plateauOptions)
            {
                plateau = new ReduceLROnPlateau(optimizer, plateauOptions);
                callbacks.Add(new ReduceLROnPlateauCallback(plateau, s.Monitor));
            }
            else
            {
                scheduler = new LrScheduler(optimizer, ((LrScheduleOptions)s.Options).Create(),
                    s.Per == "batch" ? ScheduleInterval.Batch : ScheduleInterval.Epoch);
                callbacks.Add(new LrSchedulerCallback(scheduler));
            }
        }
        if (config.Pruning is { Structured: false } pruning) callbacks.Add(UnstructuredPruningCallback(pruning, model));
        EarlyStopping? early = null;
        if (config.Callbacks.EarlyStopping is { } es)
        {
            early = new EarlyStopping(es.Monitor, es.Patience, es.MinDelta, Mode(es.Mode), es.RestoreBestWeights);
            callbacks.Add(early);
        }
        var metrics = Metrics(config, data);
        var loaderSeed = SeedMixer.Mix(config.Seed, 0x4C_4F41_4445_52);
        var train = new DataLoader(data.Train, new DataLoaderOptions
        {
            BatchSize = config.Data.BatchSize,
            Shuffle = config.Data.Shuffle,
            DropLast = config.Data.DropLast,
            Seed = loaderSeed,
            Transform = Chain(data.FeatureTransform, data.Augmentation),
            TargetTransform = TargetTransform(config, data),
        });
        DataLoader EvalLoader(IDataset set) => new(set, new DataLoaderOptions
        {
            BatchSize = Math.Max(config.Data.BatchSize, 256),
            Transform = data.FeatureTransform,
            TargetTransform = TargetTransform(config, data),
        });
        return new Experiment
        {
            Config = config,
            Data = data,
            Model = model,
            TrainedModel = trained,
            Distiller = distiller,
            Loss = loss,
            Optimizer = optimizer,
            Scheduler = scheduler,
            Plateau = plateau,
            EarlyStopping = early,
            Generator = generator,
            TrainLoader = train,
            ValidationLoader = data.Validation is null ? null : EvalLoader(data.Validation),
            TestLoader = EvalLoader(data.Test),
            Callbacks = callbacks,
            TrainerOptions = new TrainerOptions { Metrics = metrics, DataParallel = config.DataParallel, Objective = distiller },
        };
    }

    /// <summary>
    /// <paramref name="config"/> with the choices that depend on the data made explicit: the loss ("auto" →
    /// cross_entropy or mse) and the metrics (accuracy for classes; mae, rmse, r2 for regression).
    /// </summary>
    public static ExperimentConfig Resolve(ExperimentConfig config, ExperimentData data)
    {
        var loss = config.Loss;
        if (loss.Name == "auto") loss = loss with { Name = data.IsClassification ? "cross_entropy" : "mse" };
        bool classLoss = loss.Name is "cross_entropy" or "nll";
        if (classLoss && !data.IsClassification)
            throw new ConfigException($"loss: {loss.Name} needs class labels, but {data.Description} has a regression target; use mse, l1, smooth_l1 or huber.");
        if (loss.Name is "bce" or "bce_with_logits" && data.IsClassification && data.Classes != 2)
            throw new ConfigException($"loss: {loss.Name} is for two classes, but {data.Description} has {data.Classes}; use cross_entropy.");
        if (!classLoss && loss.Name is not ("bce" or "bce_with_logits") && data.IsClassification)
            throw new ConfigException($"loss: {loss.Name} is a regression loss, but {data.Description} has class labels; use cross_entropy.");
        var metrics = config.Metrics.Count > 0 ? config.Metrics
            : data.IsClassification ? ["accuracy"] : (IReadOnlyList<string>)["mae", "rmse", "r2"];
        foreach (var m in metrics)
        {
            bool classMetric = m.EndsWith("accuracy", StringComparison.Ordinal);
            if (classMetric != data.IsClassification)
                throw new ConfigException($"metrics: {m} is a {(classMetric ? "classification" : "regression")} metric, but the task is {(data.IsClassification ? "classification" : "regression")}.");
        }
        // Monitors must name something the epoch logs will hold: fail now, not after the first epoch.
        var known = new List<string> { "loss", "lr" };
        known.AddRange(metrics);
        if (config.Distillation is { } kd)
        {
            known.AddRange(["hard_loss", "soft_loss", "agreement"]);
            if (kd.Hints.Count > 0) known.Add("hint_loss");
        }
        if (config.Data.Validation > 0)
        {
            // Validation scores the trainer's loss and metrics (the distiller's parts are training-side), plus agreement.
            var validated = known.Where(k => k is not ("lr" or "hard_loss" or "soft_loss" or "hint_loss" or "agreement")).Select(k => "val_" + k).ToList();
            known.AddRange(validated);
            if (config.Distillation is not null) known.Add("val_agreement");
        }
        void Check(string what, string monitor)
        {
            if (!known.Contains(monitor))
                throw new ConfigException($"{what}: cannot monitor '{monitor}': the epoch logs hold {string.Join(", ", known)}.");
        }
        if (config.Callbacks.EarlyStopping is { } es) Check("callbacks.early_stopping.monitor", es.Monitor);
        Check("callbacks.checkpoint.monitor", config.Callbacks.Checkpoint.Monitor);
        if (config.Schedule is { Name: "ReduceLROnPlateau" } s) Check("schedule.monitor", s.Monitor);
        return config with { Loss = loss, Metrics = metrics };
    }

    /// <summary>Model outputs: the class count (1 for the binary losses) or the regression target width.</summary>
    public static int Outputs(ExperimentConfig config, ExperimentData data) =>
        !data.IsClassification ? data.TargetWidth : config.Loss.Name is "bce" or "bce_with_logits" ? 1 : data.Classes;

    /// <summary>Builds the model of <paramref name="config"/> for samples of <paramref name="inputShape"/>.</summary>
    public static Sequential BuildModel(ExperimentConfig config, int[] inputShape, int outputs, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(config);
        var m = config.Model;
        var dtype = ParseDType(m.DType);
        if (m.Layers is { } layers) return LayerListBuilder.Build(layers, inputShape, outputs, dtype, generator);
        if (m.Onnx is { } onnx) return OnnxModels.Load(onnx, inputShape, outputs);
        var preset = m.Preset ?? "mlp";
        int c, h, w;
        if (inputShape.Length == 3) (c, h, w) = (inputShape[0], inputShape[1], inputShape[2]);
        else if (preset is "mlp" or "mlp-bn") (c, h, w) = (1, 1, inputShape.Aggregate(1, (a, b) => a * b));
        else throw new ConfigException($"model.preset: {preset} needs image input [channels, height, width]; this data has samples of shape [{string.Join(", ", inputShape)}]. Use mlp or a list of layers.");
        return ModelPresets.Create(preset, c, h, w, outputs, m.Hidden, m.Dropout, dtype, generator);
    }

    /// <summary>
    /// The <c>pruning:</c> section's callback for unstructured pruning: every Linear/Conv weight of
    /// <paramref name="model"/> but the output layer's and the ignored layers', pruned by global magnitude along the schedule.
    /// </summary>
    private static UnstructuredPruningCallback UnstructuredPruningCallback(PruningConfig pruning, Sequential model)
    {
        var all = UnstructuredPruning.Weights(model);
        var paths = model.NamedModules().Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var path in pruning.Ignore)
            if (!paths.Contains(path))
                throw new ConfigException($"pruning.ignore: no layer '{path}' in the model (its layers: {string.Join(", ", all.Select(w => w.Path).Distinct())}).");
        var ignore = all.Count > 0 ? pruning.Ignore.Append(all[^1].Path).ToList() : pruning.Ignore.ToList();
        var targets = UnstructuredPruning.Weights(model, ignore);
        if (targets.Count == 0) throw new ConfigException("pruning: no prunable weights are left once the output layer and pruning.ignore are left alone.");
        return new UnstructuredPruningCallback(targets, pruning.CreateSchedule(), pruning.Rewind);
    }

    /// <summary>
    /// Builds the model <paramref name="architecture"/> describes (a checkpoint's) for an experiment whose samples have
    /// <paramref name="inputShape"/> and <paramref name="outputs"/> outputs; one forward on a zero sample checks that
    /// it fits them, so a checkpoint of another task is refused before training.
    /// </summary>
    /// <exception cref="InvalidDataException">The architecture is not a Sequential model or does not fit the data.</exception>
    public static Sequential BuildModel(ModelArchitecture architecture, ExperimentConfig config, int[] inputShape, int outputs, Generator generator, string source)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (architecture.Build(generator, source) is not Sequential model)
            throw new InvalidDataException($"{source}: its model is a {architecture.Root.Kind}, but experiments train sequential models.");
        var dtype = model.Parameters().FirstOrDefault()?.DType ?? ParseDType(config.Model.DType);
        Shape outShape;
        try
        {
            using var noGrad = Descent.Tensors.Autograd.GradMode.Disable();
            using var scope = StepScope.Begin();
            model.Eval();
            outShape = model.Call(Tensor.Zeros(new Shape([1, .. inputShape]), dtype)).Shape;
            model.Train();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"{source}: its model ({architecture}) does not take this experiment's samples of shape [{string.Join(", ", inputShape)}]: {e.Message}", e);
        }
        if (outShape.Rank != 2 || outShape[1] != outputs)
            throw new InvalidDataException($"{source}: its model gives outputs of shape {outShape} per batch of one, but this experiment needs {outputs} output(s).");
        return model;
    }

    /// <summary>Builds the loss of <paramref name="loss"/> (its name must be resolved, not "auto").</summary>
    public static Loss BuildLoss(LossConfig loss) => loss.Name switch
    {
        "cross_entropy" => new CrossEntropyLoss(labelSmoothing: loss.LabelSmoothing),
        "nll" => new NLLLoss(),
        "mse" => new MSELoss(),
        "l1" => new L1Loss(),
        "smooth_l1" => new SmoothL1Loss(beta: loss.Beta),
        "huber" => new HuberLoss(delta: loss.Delta),
        "bce" => new BCELoss(),
        "bce_with_logits" => new BCEWithLogitsLoss(),
        _ => throw new ConfigException($"loss: cannot build '{loss.Name}' (resolve 'auto' with ExperimentBuilder.Resolve first)."),
    };

    /// <summary>"float32"/"float64" as a <see cref="DType"/>.</summary>
    public static DType ParseDType(string dtype) => dtype == "float64" ? DType.Float64 : DType.Float32;

    private static IReadOnlyList<Func<IMetric>> Metrics(ExperimentConfig config, ExperimentData data)
    {
        // A single-output binary classifier compares logits with 0 and probabilities with 0.5.
        double threshold = config.Loss.Name == "bce_with_logits" ? 0 : 0.5;
        return config.Metrics.Select<string, Func<IMetric>>(name => name switch
        {
            "accuracy" => () => new Accuracy { Threshold = threshold },
            "mae" => () => new MeanAbsoluteError(),
            "rmse" => () => new RootMeanSquaredError(),
            "r2" => () => new R2Score(),
            _ => () => new TopKAccuracy(int.Parse(name[3..^"_accuracy".Length], System.Globalization.CultureInfo.InvariantCulture)),
        }).ToList();
    }

    private static IBatchTransform? TargetTransform(ExperimentConfig config, ExperimentData data) =>
        data.IsClassification && config.Loss.Name is "bce" or "bce_with_logits" ? new BinaryTargets(data.FeatureDType) : null;

    private static IBatchTransform? Chain(IBatchTransform? first, IBatchTransform? second) =>
        first is null ? second : second is null ? first : new Compose(first, second);

    /// <summary>Keras' monitor mode names.</summary>
    internal static MonitorMode Mode(string mode) => mode switch
    {
        "min" => MonitorMode.Min,
        "max" => MonitorMode.Max,
        _ => MonitorMode.Auto,
    };
}
