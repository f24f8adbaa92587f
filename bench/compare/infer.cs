#:property PublishAot=false
#:property TreatWarningsAsErrors=false
#:project ../../src/Descent/Descent.csproj
// Descent's side of bench/compare/infer.sh: inference latency of a preset in eval mode without autograd
// (GradMode.Disable, buffers recycled by a StepScope per call), on a fixed random batch. Prints one JSON line:
// {"model", "batch", "threads", "us_per_batch" (median of rounds), "samples_per_sec"}.
//   dotnet run -c Release bench/compare/infer.cs -- --model mlp --batch 1 --threads 1 [--rounds 7] [--seconds 0.5]
using System.Diagnostics;
using System.Globalization;
using Descent.Experiments;
using Descent.Kernels;
using Descent.Tensors;
using Descent.Tensors.Autograd;

string Arg(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

string model = Arg("--model", "mlp");
int batch = int.Parse(Arg("--batch", "1"), CultureInfo.InvariantCulture);
int threads = int.Parse(Arg("--threads", "1"), CultureInfo.InvariantCulture);
int rounds = int.Parse(Arg("--rounds", "7"), CultureInfo.InvariantCulture);
double seconds = double.Parse(Arg("--seconds", "0.5"), CultureInfo.InvariantCulture);

using var _ = ParallelFor.OverrideThreads(threads);
var net = ModelPresets.Create(model, generator: new Generator(0));
net.Eval();
var x = Tensor.Randn(new Shape(batch, 1, 28, 28), generator: new Generator(1));

void Call()
{
    using var scope = StepScope.Begin();
    using (GradMode.Disable()) net.Call(x);
}

// Warm-up: 3 s, so tiered JIT compilation reaches its optimized code.
var warm = Stopwatch.StartNew();
while (warm.Elapsed.TotalSeconds < 3) Call();
var perRound = new List<double>();
long bytes = GC.GetTotalAllocatedBytes(true), calls = 0;
for (int r = 0; r < rounds; r++)
{
    var clock = Stopwatch.StartNew();
    int n = 0;
    while (clock.Elapsed.TotalSeconds < seconds) { Call(); n++; }
    perRound.Add(clock.Elapsed.TotalMilliseconds * 1000 / n);
    calls += n;
}
double allocPerCall = (GC.GetTotalAllocatedBytes(true) - bytes) / (double)calls;
perRound.Sort();
double us = perRound[perRound.Count / 2];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"model\": \"{model}\", \"batch\": {batch}, \"threads\": {threads}, \"us_per_batch\": {us:F1}, \"samples_per_sec\": {batch * 1e6 / us:F0}, \"alloc_bytes_per_call\": {allocPerCall:F0}}}"));
