using Descent.Compression.Distillation;
using Descent.Data;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Experiments;

/// <summary>
/// Turns an experiment's <c>distillation:</c> section into a <see cref="Distiller"/>: loads each teacher from its run
/// directory or checkpoint (through <see cref="CheckpointModel"/>), checks that it fits the student's data and outputs,
/// and prepares the module to train (the student, or the student with hint regressors).
/// </summary>
internal static class DistillationSetup
{
    // The hint regressors draw from their own stream, so the student and its dropout draw exactly as in the
    // same-seed scratch run.
    private const long HintStream = 0x48_494E_5453;   // "HINTS"

    public static (Distiller Distiller, Module Trained) Create(DistillationConfig kd, ExperimentConfig config, ExperimentData data,
        Sequential student, int outputs)
    {
        // The Hinton loss's hard term is the cross-entropy with class labels (with the experiment's label smoothing).
        if (config.Loss.Name != "cross_entropy")
            throw new ConfigException($"distillation: needs loss cross_entropy (the hard term of the Hinton loss); this experiment uses {config.Loss.Name}.");
        var teachers = kd.Teachers.Select(path => LoadTeacher(path, config, data, outputs)).ToList();
        Distiller distiller;
        try
        {
            distiller = new Distiller(teachers, kd.ToOptions() with { LabelSmoothing = config.Loss.LabelSmoothing });
        }
        catch (ArgumentException e)
        {
            throw new ConfigException($"distillation.hints: {e.Message}");
        }
        var example = data.Train.Get(0).Features.Unsqueeze(0);
        try
        {
            return (distiller, distiller.Prepare(student, example, new Generator(SeedMixer.Mix(config.Seed, HintStream))));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new ConfigException($"distillation.hints: {e.Message}");
        }
    }

    private static Module LoadTeacher(string path, ExperimentConfig config, ExperimentData data, int outputs)
    {
        CheckpointModel teacher;
        try
        {
            teacher = CheckpointModel.Load(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ConfigException or UnauthorizedAccessException)
        {
            throw new ConfigException($"distillation.teacher: {e.Message}");
        }
        var info = teacher.Info;
        string where = $"distillation.teacher: {path}";
        if (!info.InputShape.SequenceEqual(data.InputShape))
            throw new ConfigException($"{where}: the teacher takes samples of shape [{string.Join(", ", info.InputShape)}], this experiment's data has [{string.Join(", ", data.InputShape)}].");
        if (info.Outputs != outputs)
            throw new ConfigException($"{where}: the teacher has {info.Outputs} outputs, the student {outputs}; both must score the same classes.");
        var td = info.Config.Data;
        if (td.Dataset != config.Data.Dataset || td.Normalize != config.Data.Normalize)
            throw new ConfigException(
                $"{where}: the teacher was trained on {td.Dataset} with normalize: {(td.Normalize ? "true" : "false")}, the student uses {config.Data.Dataset} with normalize: {(config.Data.Normalize ? "true" : "false")}; " +
                "the teacher sees exactly the student's batches, so their preprocessing must match.");
        if (info.Config.Model.DType != config.Model.DType)
            throw new ConfigException($"{where}: the teacher computes in {info.Config.Model.DType}, the student in {config.Model.DType}; use the same model.dtype.");
        return teacher.Model;
    }
}
