using System.Diagnostics;
using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training.Metrics;

namespace Descent.Training;

/// <summary>
/// Fits a model with a loss and an optimizer over a <see cref="DataLoader"/>, evaluates and predicts. Each batch
/// runs inside a <see cref="StepScope"/>, so steady-state steps recycle every intermediate buffer.
/// </summary>
public sealed class Trainer
{
    private readonly List<ICallback> _callbacks = [];

    /// <summary>Creates a trainer for <paramref name="model"/>.</summary>
    public Trainer(Module model, Loss loss, Optimizer optimizer, TrainerOptions? options = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Loss = loss ?? throw new ArgumentNullException(nameof(loss));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Options = options ?? new TrainerOptions();
        if (Options.DataParallel < 1)
            throw new ArgumentOutOfRangeException(nameof(options), Options.DataParallel, "Trainer: DataParallel must be at least 1.");
        if (Options.Objective is { } objective) _callbacks.Add(objective);
    }

    /// <summary>The model.</summary>
    public Module Model { get; }

    /// <summary>The loss function.</summary>
    public Loss Loss { get; }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The options.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Callbacks, run in order (the <see cref="TrainerOptions.Objective"/>, when set, comes first).</summary>
    public IList<ICallback> Callbacks => _callbacks;

    /// <summary>Adds callbacks and returns the trainer.</summary>
    public Trainer With(params ICallback[] callbacks)
    {
        _callbacks.AddRange(callbacks);
        return this;
    }

    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs (counting from 0), validating after each. With
    /// <paramref name="resume"/> (from a checkpoint) training continues at that epoch and batch with the restored
    /// history; the loader continues its recorded order.
    /// </summary>
    public History Fit(DataLoader train, DataLoader? validation = null, int epochs = 1, TrainingResume? resume = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Fit: epochs must be at least 1.");
        var ctx = new TrainingContext(this, train, validation, epochs);
        int startEpoch = resume?.Epoch ?? 0, startBatch = resume?.BatchIndex ?? 0;
        if (resume is not null)
        {
            ctx.History = resume.History;
            ctx.GlobalStep = resume.GlobalStep;
        }
        var trainMetrics = Options.Metrics.Select(f => f()).ToArray();
        ctx.TrainMetrics = trainMetrics;
        var partial = resume?.PartialEpoch;

        foreach (var cb in _callbacks) cb.OnTrainBegin(ctx);
        try
        {
            RunEpochs(ctx, train, validation, epochs, startEpoch, startBatch, partial, trainMetrics);
        }
        finally
        {
            // The replicas' threads live for one Fit.
            _dataParallel?.Dispose();
            _dataParallel = null;
        }
        foreach (var cb in _callbacks) cb.OnTrainEnd(ctx);
        LastContext = ctx;
        return ctx.History;
    }

    private void RunEpochs(TrainingContext ctx, DataLoader train, DataLoader? validation, int epochs, int startEpoch,
        int startBatch, PartialEpoch? partial, IMetric[] trainMetrics)
    {
        for (int epoch = startEpoch; epoch < epochs && !ctx.StopTraining; epoch++)
        {
            var clock = Stopwatch.StartNew();
            ctx.Epoch = epoch;
            ctx.EpochLogs.Clear();
            ctx.BatchesInEpoch = train.BatchCount(epoch);
            Model.Train();
            foreach (var m in trainMetrics) m.Reset();
            double lossSum = 0;
            long seen = 0;
            if (epoch == startEpoch && partial is not null)
            {
                // Resumed mid-epoch: the running loss and metric states of the batches already done come from the checkpoint.
                lossSum = partial.LossSum;
                seen = partial.Samples;
                foreach (var m in trainMetrics)
                    if (partial.Metrics?.TryGetValue(m.Name, out var state) == true) m.LoadStateDict(state);
            }
            foreach (var cb in _callbacks) cb.OnEpochBegin(ctx);

            int batchIndex = epoch == startEpoch ? startBatch : 0;
            foreach (var batch in train.Epoch(epoch, batchIndex))
            {
                ctx.BatchIndex = batchIndex++;
                ctx.SampleIndices = batch.SampleIndices;
                using (StepScope.Begin())
                {
                    RunStep(ctx, batch.Features, batch.Targets, trainMetrics);
                }
                lossSum += ctx.BatchLoss * ctx.BatchSize;
                seen += ctx.BatchSize;
                ctx.PartialLossSum = lossSum;
                ctx.PartialSamples = seen;
                foreach (var cb in _callbacks) cb.OnBatchEnd(ctx);
                ctx.GlobalStep++;
                if (ctx.StopTraining) break;
            }

            ctx.EpochLogs["loss"] = seen == 0 ? double.NaN : lossSum / seen;
            foreach (var m in trainMetrics) ctx.EpochLogs[m.Name] = m.Compute();
            if (validation is not null)
            {
                var eval = Evaluate(validation);
                foreach (var (k, v) in eval.Metrics) ctx.EpochLogs["val_" + k] = v;
            }
            ctx.EpochLogs["lr"] = ctx.LearningRate;
            ctx.EpochLogs["seconds"] = clock.Elapsed.TotalSeconds;
            foreach (var cb in _callbacks) cb.OnEpochEnd(ctx);
            ctx.History.Add(ctx.EpochLogs);
        }
    }

    /// <summary>The context of the last <see cref="Fit"/> (stop reason, final step count).</summary>
    public TrainingContext? LastContext { get; private set; }

    private void RunStep(TrainingContext ctx, Tensor x, Tensor y, IMetric[] metrics)
    {
        ctx.Input = x;
        ctx.Target = y;
        ctx.BatchSize = x.Rank == 0 ? 1 : x.Shape[0];
        ctx.SkipStep = false;
        foreach (var cb in _callbacks) cb.OnBatchBegin(ctx);
        if (!Optimizer.RequiresGradients)
        {
            RunGradientFreeStep(ctx, x, y, metrics);
            return;
        }
        if (Options.DataParallel > 1 && x.Rank > 0)
        {
            RunDataParallelStep(ctx, x, y, metrics);
            return;
        }

        Tensor output, loss;
        if (Options.Objective is { } objective)
            (output, loss) = objective.Compute(Model, new TrainingBatch(x, y, ctx.SampleIndices));
        else
        {
            output = Model.Call(x);
            loss = Loss.Call(output, y);
        }
        ctx.Output = output;
        ctx.LossTensor = loss;
        foreach (var cb in _callbacks) cb.OnLossComputed(ctx);

        Optimizer.ZeroGrad();
        ctx.LossTensor.Backward();
        FinishStep(ctx, loss, output, y, metrics);
    }

    /// <summary>
    /// A step with the batch split over <see cref="TrainerOptions.DataParallel"/> replicas: forward, loss and backward
    /// run on the replicas' threads first; callbacks then see the batch loss (no graph) in
    /// <see cref="TrainingContext.LossTensor"/> and may still replace it with a sum that adds terms (penalties), whose
    /// gradient is added on top of the replicas'.
    /// </summary>
    private void RunDataParallelStep(TrainingContext ctx, Tensor x, Tensor y, IMetric[] metrics)
    {
        _dataParallel ??= new DataParallel(Model, Loss, Options.Objective, Options.DataParallel);
        Optimizer.ZeroGrad();
        var (loss, output) = _dataParallel.Run(new TrainingBatch(x, y, ctx.SampleIndices), ctx.GlobalStep);
        ctx.Output = output;
        ctx.LossTensor = loss;
        foreach (var cb in _callbacks) cb.OnLossComputed(ctx);
        if (!ReferenceEquals(ctx.LossTensor, loss) && ctx.LossTensor.RequiresGrad)
            ctx.LossTensor.Backward();
        FinishStep(ctx, loss, output, y, metrics);
    }

    private DataParallel? _dataParallel;

    /// <summary>
    /// A step of a gradient-free optimizer (GA, SA): no backward pass; the optimizer calls the closure — this batch's
    /// forward pass and loss without gradients, each in its own step scope — once per candidate weights it tries, and
    /// leaves the weights it keeps in the parameters. Callbacks see the loss of those weights on the batch; callbacks that
    /// act on gradients or add loss terms have nothing to act on (weight decay is the optimizer's own penalty).
    /// </summary>
    private void RunGradientFreeStep(TrainingContext ctx, Tensor x, Tensor y, IMetric[] metrics)
    {
        if (Options.DataParallel > 1)
            throw new InvalidOperationException($"{Optimizer.Name} is gradient-free: data-parallel training splits gradients, so use data_parallel: 1 with it.");
        using (GradMode.Disable())
        {
            Optimizer.Step(() =>
            {
                using var scope = StepScope.Begin();
                return Loss.Call(Model.Call(x), y).Item();
            });
            var output = Model.Call(x);
            var loss = Loss.Call(output, y);
            ctx.Output = output;
            ctx.LossTensor = loss;
            foreach (var cb in _callbacks) cb.OnLossComputed(ctx);
            FinishStep(ctx, loss, output, y, metrics, stepped: true);
        }
    }

    // Shared end of both step kinds: callbacks after backward, the optimizer step (unless a callback skipped it),
    // the batch loss and metrics, and dropping the step's tensors from the context.
    private void FinishStep(TrainingContext ctx, Tensor loss, Tensor output, Tensor y, IMetric[] metrics, bool stepped = false)
    {
        if (!stepped)
        {
            foreach (var cb in _callbacks) cb.OnAfterBackward(ctx);
            if (!ctx.SkipStep) Optimizer.Step();
        }

        ctx.BatchLoss = loss.Item();
        using (GradMode.Disable())
            foreach (var m in metrics) m.Update(output, y);
        ctx.Input = ctx.Target = ctx.Output = ctx.LossTensor = null;
        ctx.SampleIndices = default;
    }

    /// <summary>Loss and metrics over <paramref name="data"/> in evaluation mode, without gradients.</summary>
    public EvaluationResult Evaluate(DataLoader data, ConfusionMatrix? confusion = null) =>
        ModelEvaluation.Evaluate(Model, Loss, data, Options.Metrics, confusion);

    /// <summary>Model outputs for every batch of <paramref name="data"/>, concatenated along dim 0 (evaluation mode).</summary>
    public Tensor Predict(DataLoader data)
    {
        ArgumentNullException.ThrowIfNull(data);
        bool wasTraining = Model.Training;
        Model.Eval();
        var rows = new List<double>();
        int[]? rowShape = null;
        DType dtype = DType.Float32;
        try
        {
            using var noGrad = GradMode.Disable();
            foreach (var (x, _) in data.Epoch(0))
            {
                using var scope = StepScope.Begin();
                var output = Model.Call(x);
                rowShape ??= output.Shape.ToArray()[1..];
                dtype = output.DType;
                rows.AddRange(output.ToDoubleArray());
            }
        }
        finally
        {
            Model.Train(wasTraining);
        }
        rowShape ??= [];
        int perRow = rowShape.Aggregate(1, (a, b) => a * b);
        int n = perRow == 0 ? 0 : rows.Count / perRow;
        return Tensor.FromArray(rows.ToArray(), [n, .. rowShape]).To(dtype);
    }
}

/// <summary>Loss and metrics of an evaluation pass.</summary>
public sealed record EvaluationResult(IReadOnlyDictionary<string, double> Metrics, long Samples)
{
    /// <summary>The mean loss.</summary>
    public double Loss => Metrics["loss"];
}

/// <summary>Where a resumed <see cref="Trainer.Fit"/> starts: epoch, batch, step count and the history so far.</summary>
public sealed record TrainingResume(int Epoch, int BatchIndex, long GlobalStep, History History)
{
    /// <summary>Running loss of the batches of <see cref="Epoch"/> already done, when resuming mid-epoch.</summary>
    public PartialEpoch? PartialEpoch { get; init; }
}

/// <summary>Sum of batch losses × batch sizes and the sample count of a partly done epoch.</summary>
public sealed record PartialEpoch(double LossSum, long Samples)
{
    /// <summary>
    /// The training metrics' accumulated states by metric name (<see cref="IMetric.StateDict"/>), so the resumed epoch's
    /// metrics count the batches before the resume point too; null (or a metric missing) when a metric keeps none.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>>? Metrics { get; init; }
}
