namespace Descent.Experiments;

/// <summary>
/// Distillation experiments made from a teacher run (what <c>descent distill --student PRESET</c> trains): the
/// teacher's own experiment — data, batching, optimizer, schedule, epochs, seed, callbacks — with the model replaced by
/// a student preset and a <c>distillation:</c> section naming the teacher.
/// </summary>
public static class DistillationExperiment
{
    /// <summary>
    /// The experiment distilling the model of <paramref name="teacher"/> (a run directory or checkpoint) into
    /// <paramref name="preset"/> with hidden widths <paramref name="hidden"/> (MLP presets; null: the preset's default).
    /// </summary>
    public static ExperimentConfig FromTeacher(string teacher, string preset, IReadOnlyList<int>? hidden = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(teacher);
        ArgumentException.ThrowIfNullOrEmpty(preset);
        var path = Path.GetFullPath(teacher);
        var info = CheckpointModel.Load(path).Info;
        var t = info.Config;
        return t with
        {
            Name = $"{t.Name}-{preset}-distilled",
            Model = new ModelConfig { Preset = preset, Hidden = hidden, DType = t.Model.DType },
            Distillation = new DistillationConfig { Teachers = [path] },
        };
    }
}
