using System.Text.Json;
using Descent.Optim;
using Descent.Optim.Schedules;
using Descent.Tensors;
using Descent.Tests.Fixtures;

namespace Descent.Tests.Optim;

/// <summary>
/// Every case of lr_schedulers.json: torch cases drive an SGD optimizer through <see cref="LrScheduler"/> (or
/// <see cref="ReduceLROnPlateau"/>) and compare the group's lr (and momentum) after each step; python cases evaluate the
/// schedule at the listed steps. Float64 and Float32 parameters (the rates are doubles either way).
/// </summary>
[Trait("Category", "Fixtures")]
[FixtureReader("lr_schedulers.json")]
public class LrSchedulerFixtureTests : PrecisionFixtureTests
{
    private const string File = "lr_schedulers.json";

    protected override void Run(string name, DType dtype)
    {
        var c = FixtureFiles.Case(File, name);
        var tol = Tolerance.For(dtype, Tolerance.Trajectory);
        string scheduler = c.GetProperty("scheduler").GetString()!;
        var hp = FixtureJson.ToDictionary(c.GetProperty("hyperparams"));
        var steps = c.GetProperty("steps").EnumerateArray().Select(s => s.GetInt32()).ToArray();
        var lrs = FixtureJson.Doubles(c.GetProperty("lrs"));
        Assert.Equal(steps.Length, lrs.Length);

        string source = c.GetProperty("source").GetString()!;
        if (source == "python")
        {
            var schedule = ScheduleFactory.Create(scheduler, hp);
            for (int k = 0; k < steps.Length; k++)
                tol.AssertClose(schedule.LearningRate(steps[k], double.NaN), lrs[k], $"{name} step {steps[k]}");
            return;
        }
        Assert.Equal("torch", source);

        var optSpec = FixtureJson.ToDictionary(c.GetProperty("optimizer"));
        string type = (string)optSpec["type"]!;
        optSpec.Remove("type");
        var param = Tensor.Zeros(new Shape(2), dtype).RequiresGradInPlace();
        var opt = OptimizerFactory.Create(type, [param], optSpec);
        var group = opt.ParamGroups[0];
        double[]? momentums = c.GetProperty("momentums").ValueKind == JsonValueKind.Null ? null : FixtureJson.Doubles(c.GetProperty("momentums"));

        void Check(int k)
        {
            tol.AssertClose(group.Lr, lrs[k], $"{name} lr after {steps[k]} steps");
            if (momentums is not null)
                tol.AssertClose(group.Options.Momentum, momentums[k], $"{name} momentum after {steps[k]} steps");
        }

        if (scheduler == "ReduceLROnPlateau")
        {
            var metrics = FixtureJson.Doubles(c.GetProperty("metrics"));
            var plateau = ScheduleFactory.CreatePlateau(opt, hp);
            Check(0);
            for (int k = 1; k < steps.Length; k++)
            {
                opt.Step();
                plateau.Step(metrics[k - 1]);
                Check(k);
            }
            return;
        }

        var sched = new LrScheduler(opt, ScheduleFactory.Create(scheduler, hp));
        Check(0);
        for (int k = 1; k < steps.Length; k++)
        {
            opt.Step();
            sched.Step();
            Assert.Equal(steps[k], sched.LastStep);
            Check(k);
        }
    }
}
