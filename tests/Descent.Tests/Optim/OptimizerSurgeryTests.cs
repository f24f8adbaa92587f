using Descent.NN;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Optim;

/// <summary>
/// After module surgery an optimizer built before it must be rebuilt: stepping a parameter that surgery took out of
/// the model fails with a message naming it, instead of updating a tensor the model no longer uses.
/// </summary>
public class OptimizerSurgeryTests
{
    private static Sequential Model() =>
        new(new Linear(3, 4, generator: new Generator(1)), new ReLU(), new Linear(4, 2, generator: new Generator(2)));

    private static void Backward(Module model) =>
        model.Call(Tensor.Ones(new Shape(2, 3))).Sum().Backward();

    [Fact]
    public void AStaleOptimizerFailsWithAClearMessageAndChangesNothing()
    {
        var model = Model();
        var optimizer = new Adam(model.Parameters(), new AdamOptions());
        Backward(model);
        optimizer.Step();
        var first = (Linear)model[0];
        var before = first.Weight.ToArray<float>();
        model[2] = ((Linear)model[2]).Keep(inputs: [0, 2]);
        model[0] = ((Linear)model[0]).Keep(outputs: [0, 2]);
        optimizer.ZeroGrad();
        Backward(model);
        var e = Assert.Throws<InvalidOperationException>(optimizer.Step);
        Assert.Contains("Adam.Step: parameter 0 ('weight', float32 [4, 3]) no longer belongs to the model", e.Message);
        Assert.Contains("ReplaceSubmodule('0') replaced the Linear holding it with Linear", e.Message);
        Assert.Contains("build a new optimizer over the model's current Parameters()", e.Message);
        Assert.Equal(before, first.Weight.ToArray<float>());
    }

    [Fact]
    public void AnOptimizerBuiltAfterTheSurgeryTrainsTheNewModel()
    {
        var model = Model();
        _ = new Sgd(model.Parameters(), new SgdOptions(0.1));
        model[0] = ((Linear)model[0]).Keep(outputs: [1, 3]);
        model[2] = ((Linear)model[2]).Keep(inputs: [1, 3]);
        var optimizer = new Sgd(model.Parameters(), new SgdOptions(0.1));
        var w = ((Linear)model[0]).Weight;
        var before = w.ToArray<float>();
        Backward(model);
        optimizer.Step();
        Assert.NotEqual(before, w.ToArray<float>());
    }

    [Fact]
    public void ParametersSurgeryRemovedCanStillBeTrainedByAnOptimizerBuiltForThem()
    {
        var model = Model();
        var old = (Linear)model.ReplaceSubmodule("0", new Linear(3, 4, generator: new Generator(9)));
        var optimizer = new Sgd(old.Parameters(), new SgdOptions(0.1));   // deliberate: the detached layer on its own
        old.Call(Tensor.Ones(new Shape(1, 3))).Sum().Backward();
        optimizer.Step();
    }

    [Fact]
    public void PuttingTheModuleBackMakesTheOldOptimizerValidAgain()
    {
        var model = Model();
        var optimizer = new Sgd(model.Parameters(), new SgdOptions(0.1));
        var old = model.ReplaceSubmodule("2", new Linear(4, 2, generator: new Generator(5)));
        model.ReplaceSubmodule("2", old);
        Backward(model);
        optimizer.Step();
    }

    [Fact]
    public void ASharedParameterThatStaysInTheModelIsNotRemoved()
    {
        var shared = new Linear(3, 3, generator: new Generator(1));
        var model = new Sequential(shared, new Sequential(shared));
        var optimizer = new Sgd(model.Parameters().Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>(), new SgdOptions(0.1));
        model.ReplaceSubmodule("1.0", new Identity());
        Backward(model);
        optimizer.Step();
    }
}
