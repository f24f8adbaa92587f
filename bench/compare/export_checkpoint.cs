#:property PublishAot=false
#:property TreatWarningsAsErrors=false
#:project ../../src/Descent/Descent.csproj
// Writes a Descent checkpoint and a matching input/output file for bench/compare/load_checkpoint.py:
//   dotnet run bench/compare/export_checkpoint.cs -- /tmp/ckpt [mlp|cnn]
//   python3 bench/compare/load_checkpoint.py /tmp/ckpt/model.safetensors --io /tmp/ckpt/io.safetensors
// The model is trained for a few steps (so batch-norm statistics and weights are not at their initial values),
// switched to eval mode, and its prediction on a fixed input is stored next to the checkpoint.
using Descent.NN;
using Descent.Serialization;
using Descent.Tensors;
using Descent.Tensors.Autograd;

var dir = args.Length > 0 ? args[0] : "checkpoint-export";
var kind = args.Length > 1 ? args[1] : "cnn";
Directory.CreateDirectory(dir);
var g = new Generator(7);
Module model;
Tensor x;
if (kind == "mlp")
{
    model = new Sequential(new Linear(10, 32, generator: g), new BatchNorm1d(32), new ReLU(), new Dropout(0.2, g),
        new Linear(32, 16, generator: g), new LayerNorm(16), new GELU(), new Linear(16, 3, generator: g), new LogSoftmax(1));
    x = Tensor.Randn(new Shape(8, 10), DType.Float32, g);
}
else
{
    model = new Sequential(
        new Conv2d(3, 8, 3, padding: 1, generator: g), new BatchNorm2d(8), new LeakyReLU(0.1), new MaxPool2d(2),
        new Conv2d(8, 8, (3, 2), stride: (1, 2), groups: 2, generator: g), new SiLU(), new AvgPool2d(2, padding: 1),
        new ConvTranspose2d(8, 4, 2, stride: 2, generator: g), new Hardswish(), new AdaptiveAvgPool2d((2, 3)),
        new Flatten(), new Linear(24, 5, generator: g), new Softmax(1));
    x = Tensor.Randn(new Shape(4, 3, 12, 12), DType.Float32, g);
}
// A few plain SGD steps on a made-up objective, so the saved state is not the initial one.
for (int step = 0; step < 3; step++)
{
    model.ZeroGrad();
    var loss = (model.Call(x) * model.Call(x)).Sum();
    loss.Backward();
    using (GradMode.Disable())
        foreach (var p in model.Parameters())
            if (p.Grad is not null) p.AddInPlace(p.Grad, -0.01);
}
model.Eval();
Tensor y;
using (GradMode.Disable()) y = model.Call(x);
model.SaveCheckpoint(Path.Combine(dir, "model.safetensors"));
var io = new NamedTensors();
io.Add("input", x);
io.Add("output", y);
SafeTensors.Save(Path.Combine(dir, "io.safetensors"), io);
Console.WriteLine(model);
Console.WriteLine($"wrote {dir}/model.safetensors and {dir}/io.safetensors ({model.ParameterCount} parameters)");
