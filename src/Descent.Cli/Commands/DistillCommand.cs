using System.CommandLine;
using Descent.Experiments;
using Descent.Experiments.Runs;

namespace Descent.Cli;

/// <summary>
/// <c>descent distill --teacher RUN|CKPT [--student PRESET|experiment.yaml] ...</c>: train a student with knowledge
/// distillation into <c>runs/&lt;name&gt;/</c>, then (unless <c>--no-scratch</c>) the same-seed student from scratch, and
/// print the student next to the scratch student and the teacher. Flags become <c>distillation.*</c> overrides of the
/// experiment, so a YAML student's file may hold the same settings. See docs/distillation.md.
/// </summary>
public static class DistillCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var teacher = new Option<string[]>("--teacher")
        {
            Description = "Teacher run directory or checkpoint (repeat for several teachers, whose soft targets are averaged).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var student = new Option<string>("--student")
        {
            Description = $"Student: a preset ({string.Join(", ", ModelPresets.Names)}) trained on the teacher's experiment, or an experiment YAML file.",
            DefaultValueFactory = _ => "mlp",
        };
        var hidden = new Option<int[]>("--hidden")
        {
            Description = "Hidden widths of an MLP student preset (default 128: one hidden layer).",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var temperature = new Option<double?>("--temperature", "-T") { Description = "Softening temperature T (default 4)." };
        var alpha = new Option<double?>("--alpha") { Description = "Weight α of the hard-label loss; the soft term gets 1 − α (default 0.1)." };
        var hint = new Option<string[]>("--hint")
        {
            Description = "FitNets hint student.path:teacher.path (module paths, e.g. 2:5; repeatable).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var hintWeight = new Option<double?>("--hint-weight") { Description = "Weight β of the hint losses (default 1)." };
        var teacherLogits = new Option<string?>("--teacher-logits") { Description = "auto (default), precomputed or on_the_fly." };
        var noScratch = new Option<bool>("--no-scratch") { Description = "Do not train the same-seed scratch student for the comparison." };
        var epochs = new Option<int?>("--epochs") { Description = "Override the number of epochs." };
        var set = new Option<string[]>("--set") { Description = "Override any experiment value, e.g. --set optimizer.lr=0.01 (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var name = new Option<string?>("--name") { Description = "Run name; -2, -3, … is appended when taken." };
        var runsDir = new Option<string>("--runs-dir") { Description = "Folder of run directories.", DefaultValueFactory = _ => "runs" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding the full Fashion-MNIST IDX files." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress output (results are still printed)." };
        var cmd = new Command("distill", "Train a student with knowledge distillation from a teacher run and compare it with the same student trained from scratch.")
        {
            teacher, student, hidden, temperature, alpha, hint, hintWeight, teacherLogits, noScratch, epochs, set, name, runsDir, dataDir, quiet,
        };
        cmd.SetAction(r =>
        {
            // The run name first: a bad one is refused before teachers and data are loaded.
            if (r.GetValue(name) is { } n0 && RunName.Problem(n0) is { } badName) throw new UserErrorException($"--name: {badName}.");
            var teachers = (r.GetValue(teacher) ?? []).Select(Path.GetFullPath).ToList();
            var studentArg = r.GetValue(student)!;
            bool yamlStudent = studentArg.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || studentArg.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
            var overrides = new List<string>();
            if (teachers.Count > 0) overrides.Add($"distillation.teacher=[{string.Join(", ", teachers.Select(Quote))}]");
            if (r.GetValue(temperature) is double t) overrides.Add(Assign("distillation.temperature", t));
            if (r.GetValue(alpha) is double a) overrides.Add(Assign("distillation.alpha", a));
            if (r.GetValue(hint) is { Length: > 0 } hints) overrides.Add($"distillation.hints=[{string.Join(", ", hints.Select(Quote))}]");
            if (r.GetValue(hintWeight) is double w) overrides.Add(Assign("distillation.hint_weight", w));
            if (r.GetValue(teacherLogits) is { } mode) overrides.Add($"distillation.teacher_logits={mode}");
            if (r.GetValue(noScratch)) overrides.Add("distillation.scratch=false");
            if (r.GetValue(epochs) is int e)
            {
                if (e < 1) throw new UserErrorException($"--epochs must be at least 1, got {e}.");
                overrides.Add($"epochs={e}");
            }
            overrides.AddRange(r.GetValue(set) ?? []);

            ExperimentConfig config;
            if (yamlStudent)
            {
                if (r.GetValue(hidden) is { Length: > 0 }) throw new UserErrorException("--hidden applies to a preset student; set model.hidden in the experiment file.");
                config = ExperimentConfig.Load(studentArg, overrides);
                if (config.Distillation is null)
                    throw new UserErrorException($"{studentArg} has no distillation: section; name the teacher with --teacher RUN|CKPT.");
            }
            else
            {
                if (teachers.Count == 0) throw new UserErrorException("--teacher RUN|CKPT is required with a preset student.");
                if (!ModelPresets.Names.Contains(studentArg))
                    throw new UserErrorException($"--student '{studentArg}' is neither a preset ({string.Join(", ", ModelPresets.Names)}) nor a .yaml experiment file.");
                var widths = r.GetValue(hidden) is { Length: > 0 } h ? h : studentArg is "mlp" or "mlp-bn" ? [128] : null;
                var fromTeacher = DistillationExperiment.FromTeacher(teachers[0], studentArg, widths);
                config = ExperimentConfig.Parse(fromTeacher.ToYaml(), $"(distill from {teachers[0]})", overrides);
            }
            config = CheckpointModel.WithDataDir(config, r.GetValue(dataDir));
            if (r.GetValue(name) is { } n) config = config with { Name = n };
            var runPath = RunDirectory.UniquePath(r.GetValue(runsDir)!, config.Name);
            var (output, errors) = TrainCommand.Writers(r);
            var kd = config.Distillation!;
            errors.WriteLine(FormattableString.Invariant(
                $"descent: distilling {string.Join(", ", kd.Teachers)} into '{config.Name}' (T={kd.Temperature}, alpha={kd.Alpha}) for {config.Epochs} epoch(s) into {runPath}"));
            return TrainCommand.Execute(output, errors, r.GetValue(quiet), (callbacks, token) => ExperimentRunner.Run(config, runPath, callbacks, token));
        });
        return cmd;
    }

    private static string Assign(string key, double value) => FormattableString.Invariant($"{key}={value:R}");

    // A YAML double-quoted scalar (paths and hints contain ':' and may contain spaces).
    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
