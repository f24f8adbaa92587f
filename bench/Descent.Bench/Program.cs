using BenchmarkDotNet.Running;

namespace Descent.Bench;

/// <summary>BenchmarkDotNet entry point: <c>dotnet run -c Release --project bench/Descent.Bench -- --filter *</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
