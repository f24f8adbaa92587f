using Descent.NN;
using Descent.Optim.Schedules;
using Descent.Tensors;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Metrics;

namespace Descent.Examples.CustomOptimizer;

/// <summary>
/// One freshly built training run of the example: the model (Linear → <see cref="ReZeroBlock"/> → Linear, seeded),
/// <see cref="Lion"/>, a 5-step linear warmup into cosine annealing stepped per batch, and gradient clipping to norm 1.
/// Built the same way for the uninterrupted, the crashing and the resumed run.
/// </summary>
internal sealed record TrainingRun(Module Model, Lion Optimizer, LrScheduler Scheduler, Trainer Trainer)
{
    public static TrainingRun Create(int totalSteps)
    {
        var generator = new Generator(0);
        var model = new Sequential(
            new Linear(784, 64, generator: generator),
            new ReZeroBlock(64, 128, generator),
            new Linear(64, 10, generator: generator));
        var optimizer = new Lion(model.Parameters(), new LionOptions(lr: 1e-3, weightDecay: 0.1));
        var scheduler = new LrScheduler(optimizer, LrSchedules.WithLinearWarmup(5, new CosineAnnealingLR(totalSteps - 5)), ScheduleInterval.Batch);
        var trainer = new Trainer(model, new CrossEntropyLoss(), optimizer, new TrainerOptions { Metrics = [() => new Accuracy()] })
            .With(new GradientClipping(maxNorm: 1.0), new LrSchedulerCallback(scheduler));
        return new TrainingRun(model, optimizer, scheduler, trainer);
    }
}
