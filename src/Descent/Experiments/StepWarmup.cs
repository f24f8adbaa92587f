using System.Collections.Concurrent;
using Descent.Data;
using Descent.Experiments.Runs;
using Descent.Kernels;
using Descent.Tensors;
using Descent.Training;

namespace Descent.Experiments;

/// <summary>
/// Compiles a run's training step before the run needs it. The JIT, not the kernels, dominates a run's start: the first
/// batch of an MLP compiles ~300 methods (≈150–300 ms, more than a whole epoch of the embedded data set), and loading the
/// data keeps only one of the machine's cores busy. So while the caller loads the data, a background thread builds a
/// throw-away copy of the experiment (same model, loss, optimizer, schedule, metrics and batch size) over one batch of
/// zeros and trains it, a step and a validation pass per epoch, which compiles the same methods the run will call; it
/// repeats that until the data is loaded (at most 200 times), so tiered compilation can also promote the step's small
/// methods, which otherwise run unoptimized through the first ~30 batches and longer. The real run's
/// objects, random generators and data are never touched, so results are bit-identical with or without the warm-up.
/// </summary>
/// <remarks>
/// Only data sets whose sample shape is known before loading (Fashion-MNIST) are warmed up, and each model
/// configuration once per process (a tuning study's later trials find their code compiled). The warm-up is an
/// optimization only: if it fails, the run meets the same code with the real data and reports the problem there.
/// docs/training-performance.md has the measurements.
/// </remarks>
internal sealed class StepWarmup
{
    private static readonly ConcurrentDictionary<string, byte> Warmed = new(StringComparer.Ordinal);

    // Enough repetitions for tiered compilation to promote the step's small methods (30 calls each, .NET's default
    // call-count threshold, counted once its 100 ms quiet delay has passed); the run stops the warm-up sooner when its
    // data is loaded, so the repetitions only fill time the caller spends loading.
    private const int MaxSteps = 200;

    private readonly Thread? _thread;
    private readonly StopFlag _stop = new();
    private volatile bool _succeeded;

    private StepWarmup(Thread? thread) => _thread = thread;

    /// <summary>Whether this call started a warm-up (false when disabled, when the data's shape is unknown, or when this configuration was already warmed in this process).</summary>
    public bool Started => _thread is not null;

    /// <summary>Whether the warm-up trained its step to the end; read after <see cref="Wait"/>.</summary>
    public bool Succeeded => _succeeded;

    /// <summary>Starts warming up <paramref name="config"/>'s step on a background thread (a no-op when there is nothing to warm).</summary>
    public static StepWarmup Start(ExperimentConfig config)
    {
        if (Environment.GetEnvironmentVariable("DESCENT_WARMUP") == "0") return new StepWarmup(null);
        if (Describe(config) is not { } data) return new StepWarmup(null);
        if (!Warmed.TryAdd(Key(config), 0)) return new StepWarmup(null);
        StepWarmup? warmup = null;
        var thread = new Thread(() => warmup!._succeeded = Run(config, data, warmup._stop)) { IsBackground = true, Name = "Descent step warm-up" };
        warmup = new StepWarmup(thread);
        thread.Start();
        return warmup;
    }

    /// <summary>
    /// Lets the warm-up finish the step it is in (the first one always completes: it is the one that compiles) and waits
    /// for it, so the run's first epoch does not share the cores with it.
    /// </summary>
    public void Wait()
    {
        _stop.Requested = true;
        _thread?.Join();
    }

    private static bool Run(ExperimentConfig config, ExperimentData data, StopFlag stop)
    {
        try
        {
            // One kernel thread, so the data loading on the caller's thread keeps the other core; a private dropout stream,
            // so the process-wide default generator the run may use is never advanced from here.
            using var threads = ParallelFor.OverrideThreads(1);
            using var random = Generator.Override(new Generator(config.Seed));
            var copy = ExperimentBuilder.Build(config with { Epochs = MaxSteps }, data);
            var trainer = new Trainer(copy.Model, copy.Loss, copy.Optimizer, copy.TrainerOptions);
            trainer.With(new StepRecorder());      // as the runner does: the gradient norm of steps.csv
            trainer.With([.. copy.Callbacks]);
            trainer.With(stop);
            // One batch per epoch: each repetition is a step and a validation pass, as in the run.
            trainer.Fit(copy.TrainLoader, copy.ValidationLoader, epochs: MaxSteps);
            return true;
        }
#pragma warning disable CA1031 // The warm-up is an optimization: the run reaches the same code and reports any error itself.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    /// <summary>One batch of zeros shaped like the configured data, when that shape is known without loading it.</summary>
    private static ExperimentData? Describe(ExperimentConfig config)
    {
        if (config.Data.Dataset != "fashion-mnist") return null;
        int[] shape = [1, 28, 28];
        int n = Math.Max(1, config.Data.BatchSize);
        DType dtype;
        try
        {
            dtype = ExperimentBuilder.ParseDType(config.Model.DType);
        }
        catch (ArgumentException)
        {
            return null;
        }
        var zeros = new TensorDataset(Tensor.Zeros(new Shape([n, .. shape]), dtype), Tensor.Zeros(new Shape(n), DType.Int64));
        // A Subset, as the run's training and validation splits are: its batch gathering is compiled too.
        var batch = new Subset(zeros, Enumerable.Range(0, n).ToArray());
        return new ExperimentData
        {
            Train = batch,
            Validation = config.Data.Validation > 0 ? batch : null,
            Test = batch,
            InputShape = shape,
            Classes = FashionMnist.NumClasses,
            ClassNames = FashionMnist.ClassNames,
            Augmentation = ExperimentDataLoader.Augmentation(config.Data, shape),
            Description = "warm-up batch",
        };
    }

    /// <summary>What decides the compiled code: the model, its dtype, loss, optimizer, schedule and batch size.</summary>
    private static string Key(ExperimentConfig config) =>
        ExperimentConfigWriter.Write(config with { Name = "", Seed = 0, Epochs = 1 });

    /// <summary>Ends the warm-up's training at the next epoch end once the run asks for it.</summary>
    private sealed class StopFlag : ICallback
    {
        public volatile bool Requested;

        void ICallback.OnEpochEnd(TrainingContext context)
        {
            if (Requested) context.StopTraining = true;
        }
    }
}
