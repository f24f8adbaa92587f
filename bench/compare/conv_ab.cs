#:property PublishAot=false
#:property TreatWarningsAsErrors=false
#:property TieredPGO=true
#:project ../../src/Descent/Descent.csproj
// A/B of the convolution algorithm in one process: trains a preset's step (forward, cross-entropy, backward, Adam) on a
// fixed random batch, alternating Conv2dKernels.Algorithm between blocks of steps, so background load on the shared
// machine hits both sides alike; prints the median steps/s of each side and their ratio, and the load average.
//   chrt -f 10 dotnet run -c Release bench/compare/conv_ab.cs -- resnet-small 64 2 [rounds=7] [steps=30] [A=Auto] [B=Im2Col]
// Inference mode (no autograd, eval): append "infer" — times Module.Call under GradMode.Disable.
using System.Diagnostics;
using Descent.Experiments;
using Descent.Kernels;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tensors.Autograd;

string model = args.Length > 0 ? args[0] : "resnet-small";
int batch = args.Length > 1 ? int.Parse(args[1]) : 64;
int threads = args.Length > 2 ? int.Parse(args[2]) : 2;
int rounds = args.Length > 3 ? int.Parse(args[3]) : 7;
int steps = args.Length > 4 ? int.Parse(args[4]) : 30;
var a = args.Length > 5 ? Enum.Parse<ConvAlgorithm>(args[5]) : ConvAlgorithm.Auto;
var b = args.Length > 6 ? Enum.Parse<ConvAlgorithm>(args[6]) : ConvAlgorithm.Im2Col;
bool infer = args.Contains("infer");

using var _ = ParallelFor.OverrideThreads(threads);
var net = ModelPresets.Create(model, generator: new Generator(0));
var optimizer = OptimizerFactory.Create("Adam", net.Parameters(), new Dictionary<string, object?> { ["lr"] = 1e-4 });
var loss = new CrossEntropyLoss();
var x = Tensor.Randn(new Shape(batch, 1, 28, 28), generator: new Generator(1));
var target = Tensor.FromArray(Enumerable.Range(0, batch).Select(i => (long)(i % 10)).ToArray(), [batch]);
if (infer) net.Eval();

void Step()
{
    using var scope = StepScope.Begin();
    if (infer)
    {
        using (GradMode.Disable()) net.Call(x);
        return;
    }
    var l = loss.Call(net.Call(x), target);
    optimizer.ZeroGrad();
    l.Backward();
    optimizer.Step();
}

double Time(ConvAlgorithm algorithm)
{
    Conv2dKernels.Algorithm = algorithm;
    Step();
    long bytes = GC.GetTotalAllocatedBytes(true);
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < steps; i++) Step();
    double rate = steps * batch / clock.Elapsed.TotalSeconds;
    Console.Error.WriteLine($"  {algorithm,-8} {rate,10:F0} samples/s  {(GC.GetTotalAllocatedBytes(true) - bytes) / (double)steps / 1024,6:F1} KB/step");
    return rate;
}

Console.Error.WriteLine($"load before: {File.ReadAllText("/proc/loadavg").Trim()}");
// Warm-up: tiered JIT reaches optimized code for both paths.
var warm = Stopwatch.StartNew();
while (warm.Elapsed.TotalSeconds < 5) { Conv2dKernels.Algorithm = a; Step(); Conv2dKernels.Algorithm = b; Step(); }
var ra = new List<double>();
var rb = new List<double>();
for (int r = 0; r < rounds; r++)
{
    if (r % 2 == 0) { ra.Add(Time(a)); rb.Add(Time(b)); }
    else { rb.Add(Time(b)); ra.Add(Time(a)); }
}
static double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }
Console.WriteLine($"{model}@{batch} {threads} thr {(infer ? "inference" : "training")}: {a} {Median(ra):F0}/s, {b} {Median(rb):F0}/s, ratio {Median(ra) / Median(rb):F2}");
Console.Error.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
