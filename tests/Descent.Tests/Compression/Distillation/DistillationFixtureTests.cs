using System.Text.Json;
using Descent.Compression.Distillation;
using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;
using Descent.Tests.Fixtures;

namespace Descent.Tests.Compression.Distillation;

/// <summary>
/// Every case of distillation.json in Float64 (tight) and Float32 (loose): loss cases through
/// <see cref="HintonDistillationLoss.Compute(Tensor, Tensor, Tensor)"/> (loss, hard and soft parts, gradient for the
/// student, none for the teacher); training cases through a <see cref="Distiller"/> with precomputed teacher logits
/// driving the <see cref="Trainer"/> (teacher logits, per-step losses and parts, student parameters after every step).
/// A case kind, field, optimizer or layer the reader does not know fails the case.
/// </summary>
[Trait("Category", "Fixtures")]
[FixtureReader("distillation.json")]
public class DistillationFixtureTests : PrecisionFixtureTests
{
    private const string File = "distillation.json";

    protected override void Run(string name, DType dtype)
    {
        var c = FixtureFiles.Case(File, name);
        Keys(c, name, "name", "kind", "hyperparams", "formula", "notes", "model", "inputs", "outputs");
        var hp = c.GetProperty("hyperparams");
        Assert.True(hp.GetProperty("soft_target_loss").GetString() == "kl_batchmean",
            $"{name}: soft_target_loss '{hp.GetProperty("soft_target_loss")}' is not the implemented kl_batchmean.");
        var formula = c.GetProperty("formula").GetString()!;
        Assert.True(formula.Contains("reduction='batchmean'", StringComparison.Ordinal) && formula.Contains("T*T", StringComparison.Ordinal),
            $"{name}: formula '{formula}' is not the implemented one (T² times KL with batchmean).");
        switch (c.GetProperty("kind").GetString())
        {
            case "loss":
                RunLoss(c, name, dtype);
                break;
            case "training":
                RunTraining(c, name, dtype);
                break;
            default:
                Assert.Fail($"{name}: unknown case kind '{c.GetProperty("kind")}'.");
                break;
        }
    }

    private static void RunLoss(JsonElement c, string name, DType dtype)
    {
        var hp = c.GetProperty("hyperparams");
        Keys(hp, name + " hyperparams", "T", "alpha", "soft_target_loss");
        Assert.Equal(JsonValueKind.Null, c.GetProperty("model").ValueKind);
        var inputs = c.GetProperty("inputs");
        Keys(inputs, name + " inputs", "student_logits", "teacher_logits", "labels");
        var outputs = c.GetProperty("outputs");
        Keys(outputs, name + " outputs", "loss", "hard_loss", "soft_loss", "grad_student_logits");
        var tol = Tolerance.For(dtype, Tolerance.SingleOp);

        var student = FixtureJson.ToTensor(inputs.GetProperty("student_logits"), dtype).RequiresGradInPlace();
        var teacher = FixtureJson.ToTensor(inputs.GetProperty("teacher_logits"), dtype).RequiresGradInPlace();
        var labels = FixtureJson.ToTensor(inputs.GetProperty("labels"));
        var loss = new HintonDistillationLoss(hp.GetProperty("T").GetDouble(), hp.GetProperty("alpha").GetDouble());
        var terms = loss.Compute(student, teacher, labels);
        tol.AssertClose(terms.Loss.Item(), outputs.GetProperty("loss").GetDouble(), $"{name} loss");
        tol.AssertClose(terms.HardLoss.Item(), outputs.GetProperty("hard_loss").GetDouble(), $"{name} hard_loss");
        tol.AssertClose(terms.SoftLoss.Item(), outputs.GetProperty("soft_loss").GetDouble(), $"{name} soft_loss");
        terms.Loss.Backward();
        tol.AssertClose(student.Grad!, outputs.GetProperty("grad_student_logits"), $"{name} grad_student_logits");
        Assert.True(teacher.Grad is null, $"{name}: the teacher's logits received a gradient.");
    }

    private static void RunTraining(JsonElement c, string name, DType dtype)
    {
        var hp = c.GetProperty("hyperparams");
        Keys(hp, name + " hyperparams", "T", "alpha", "soft_target_loss", "optimizer", "num_steps");
        var optimizer = hp.GetProperty("optimizer");
        Keys(optimizer, name + " optimizer", "type", "hyperparams");
        var model = c.GetProperty("model");
        Keys(model, name + " model", "teacher", "student");
        var inputs = c.GetProperty("inputs");
        Keys(inputs, name + " inputs", "x", "labels", "teacher_state", "student_init_state");
        var outputs = c.GetProperty("outputs");
        Keys(outputs, name + " outputs", "teacher_logits", "losses", "hard_losses", "soft_losses", "student_state_after_step");
        int steps = hp.GetProperty("num_steps").GetInt32();
        var tol = Tolerance.For(dtype, Tolerance.Trajectory);

        var teacher = Build(model.GetProperty("teacher"), dtype, name + " teacher");
        teacher.LoadStateDict(ToStateDict(inputs.GetProperty("teacher_state"), dtype));
        var student = Build(model.GetProperty("student"), dtype, name + " student");
        student.LoadStateDict(ToStateDict(inputs.GetProperty("student_init_state"), dtype));
        var x = FixtureJson.ToTensor(inputs.GetProperty("x"), dtype);
        var labels = FixtureJson.ToTensor(inputs.GetProperty("labels"));

        var distiller = new Distiller(teacher, new DistillationOptions
        {
            Temperature = hp.GetProperty("T").GetDouble(),
            Alpha = hp.GetProperty("alpha").GetDouble(),
            TeacherLogits = TeacherLogitsMode.Precomputed,
        });
        var opt = OptimizerFactory.Create(optimizer.GetProperty("type").GetString()!, student.Parameters(),
            FixtureJson.ToDictionary(optimizer.GetProperty("hyperparams")));
        var states = new StateRecorder();
        var trainer = new Trainer(student, new CrossEntropyLoss(), opt, new TrainerOptions { Objective = distiller }).With(states);
        // Full-batch steps: one batch of all N rows per epoch, so epoch k's logged loss is the loss before update k.
        var history = trainer.Fit(new DataLoader(new TensorDataset(x, labels), x.Shape[0]), epochs: steps);

        Assert.Equal(steps, history.Epochs.Count);
        tol.AssertClose(distiller.PrecomputedLogits![0], outputs.GetProperty("teacher_logits"), $"{name} teacher_logits");
        tol.AssertClose(history.Series("loss"), FixtureJson.Doubles(outputs.GetProperty("losses")), $"{name} losses");
        tol.AssertClose(history.Series("hard_loss"), FixtureJson.Doubles(outputs.GetProperty("hard_losses")), $"{name} hard_losses");
        tol.AssertClose(history.Series("soft_loss"), FixtureJson.Doubles(outputs.GetProperty("soft_losses")), $"{name} soft_losses");
        var expected = outputs.GetProperty("student_state_after_step").EnumerateArray().ToList();
        Assert.Equal(steps, expected.Count);
        for (int k = 0; k < steps; k++)
        {
            var state = states.States[k];
            Assert.Equal(expected[k].EnumerateObject().Select(p => p.Name).Order(), state.Keys.Order());
            foreach (var p in expected[k].EnumerateObject())
                tol.AssertClose(state[p.Name], p.Value, $"{name} '{p.Name}' after step {k + 1}");
        }
    }

    private static Sequential Build(JsonElement layers, DType dtype, string what)
    {
        var modules = new List<Module>();
        foreach (var layer in layers.EnumerateArray())
        {
            var type = layer.GetProperty("type").GetString();
            switch (type)
            {
                case "Linear":
                    Keys(layer, what + " Linear", "type", "in", "out", "bias");
                    modules.Add(new Linear(layer.GetProperty("in").GetInt32(), layer.GetProperty("out").GetInt32(), layer.GetProperty("bias").GetBoolean(), dtype));
                    break;
                case "ReLU":
                    Keys(layer, what + " ReLU", "type");
                    modules.Add(new ReLU());
                    break;
                default:
                    Assert.Fail($"{what}: unknown layer type '{type}'.");
                    break;
            }
        }
        return new Sequential([.. modules]);
    }

    private static StateDict ToStateDict(JsonElement obj, DType dtype)
    {
        var sd = new StateDict();
        foreach (var (key, tensor) in FixtureJson.ToTensorDictionary(obj, dtype)) sd.Add(key, tensor);
        return sd;
    }

    // Exactly these keys: a field the reader does not know fails the case instead of being ignored.
    private static void Keys(JsonElement obj, string what, params string[] keys)
    {
        var actual = obj.EnumerateObject().Select(p => p.Name).ToList();
        var unknown = actual.Except(keys).ToList();
        var missing = keys.Except(actual).ToList();
        Assert.True(unknown.Count == 0 && missing.Count == 0,
            $"{what}: unknown field(s) [{string.Join(", ", unknown)}], missing field(s) [{string.Join(", ", missing)}].");
    }

    /// <summary>The student's parameters after every optimizer step.</summary>
    private sealed class StateRecorder : ICallback
    {
        public List<Dictionary<string, Tensor>> States { get; } = [];

        void ICallback.OnBatchEnd(TrainingContext context)
        {
            using var suspend = StepScope.Suspend();
            States.Add(context.Model.StateDict().ToDictionary(p => p.Key, p => p.Value.Clone()));
        }
    }
}
