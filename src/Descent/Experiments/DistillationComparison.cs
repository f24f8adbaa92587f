using System.Diagnostics;
using Descent.Compression.Distillation;
using Descent.Experiments.Runs;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training;

namespace Descent.Experiments;

/// <summary>
/// Completes a distillation run with the fair comparison: the same-seed, same-config student trained from scratch
/// (run directory <c>scratch/</c> inside the run, logging its agreement with the teachers too), the teachers scored on
/// the student's test set, every model's parameters and forward latency, recorded in summary.json's
/// <c>distillation</c> entry.
/// </summary>
internal static class DistillationComparison
{
    /// <summary>The scratch student's run directory, inside the distillation run's.</summary>
    public const string ScratchDirectory = "scratch";

    private const int LatencyRepeats = 15;

    public static ExperimentResult Complete(Experiment experiment, ExperimentResult result, IEnumerable<ICallback>? extraCallbacks,
        CancellationToken cancellationToken)
    {
        var kd = experiment.Config.Distillation!;
        var distiller = experiment.Distiller!;
        var probe = LatencyBatch(experiment);
        var models = new List<ComparedModel>
        {
            new("student", null, experiment.Model.ParameterCount, Latency(experiment.Model, probe), probe.Shape[0], result.Test),
        };
        if (kd.Scratch && !cancellationToken.IsCancellationRequested)
        {
            var scratch = TrainScratch(experiment, result.Run, extraCallbacks, cancellationToken);
            var model = CheckpointModel.Load(scratch.Run.Path).Model;
            models.Add(new ComparedModel("scratch", ScratchDirectory, scratch.Summary.Parameters, Latency(model, probe), probe.Shape[0], scratch.Summary.Test));
        }
        for (int k = 0; k < distiller.Teachers.Count; k++)
        {
            var teacher = distiller.Teachers[k];
            var test = ModelEvaluation.Evaluate(teacher, experiment.Loss, experiment.TestLoader, experiment.TrainerOptions.Metrics);
            models.Add(new ComparedModel("teacher", kd.Teachers[k], teacher.ParameterCount, Latency(teacher, probe), probe.Shape[0], test.Metrics));
        }
        var mode = distiller.PrecomputedLogits is null ? "on_the_fly" : "precomputed";
        var summary = result.Summary with { Distillation = new DistillationSummary(kd.Temperature, kd.Alpha, mode, models) };
        result.Run.WriteSummary(summary);
        return result with { Summary = summary };
    }

    // The scratch run: finished already (a resumed distillation run), interrupted (resumed), or trained now.
    private static ExperimentResult TrainScratch(Experiment experiment, RunDirectory run, IEnumerable<ICallback>? extraCallbacks,
        CancellationToken cancellationToken)
    {
        var config = experiment.Config;
        var dir = new RunDirectory(Path.Combine(run.Path, ScratchDirectory));
        ICallback[] callbacks = [new TeacherAgreement(experiment.Distiller!.Teachers, config.Distillation!.Temperature), .. extraCallbacks ?? []];
        if (File.Exists(dir.SummaryPath) && dir.ReadSummary() is { Status: "completed" or "stopped" } done)
            return new ExperimentResult(dir, done, dir.ReadHistory());
        if (File.Exists(dir.LastCheckpointPath))
            return ExperimentRunner.Resume(dir.Path, callbacks, cancellationToken);
        var scratch = config with { Name = config.Name + "-scratch", Distillation = null };
        return ExperimentRunner.Run(scratch, dir.Path, callbacks, cancellationToken);
    }

    // The first test batch (after the test transforms), kept outside any step scope.
    private static Tensor LatencyBatch(Experiment experiment)
    {
        foreach (var (x, _) in experiment.TestLoader.Epoch(0)) return x.Clone();
        throw new InvalidOperationException("distillation: the test set is empty, so the models cannot be compared.");
    }

    // Median milliseconds of one forward pass over batch (eval mode, no gradients) after two warm-up passes.
    private static double Latency(Module model, Tensor batch)
    {
        bool wasTraining = model.Training;
        model.Eval();
        var times = new double[LatencyRepeats];
        try
        {
            using var noGrad = GradMode.Disable();
            for (int i = -2; i < LatencyRepeats; i++)
            {
                using var scope = StepScope.Begin();
                long start = Stopwatch.GetTimestamp();
                model.Call(batch);
                if (i >= 0) times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        Array.Sort(times);
        return times[LatencyRepeats / 2];
    }
}
