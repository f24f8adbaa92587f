using System.CommandLine;

namespace Descent.Cli.Bench;

/// <summary><c>descent bench ...</c>: benchmarks that print human tables or JSON lines.</summary>
public static class BenchCommand
{
    /// <summary>Builds the command with its subcommands.</summary>
    public static Command Create()
    {
        var bench = new Command("bench", "Measure kernels, optimizers, training, tuning, distillation, quantization and sparse-inference speed (compare with bench/compare/*.sh).");
        bench.Subcommands.Add(GemmBench.Create());
        bench.Subcommands.Add(OptimBench.Create());
        bench.Subcommands.Add(TrainBench.Create());
        bench.Subcommands.Add(TuneBench.Create());
        bench.Subcommands.Add(BlackBoxBench.Create());
        bench.Subcommands.Add(DistillBench.Create());
        bench.Subcommands.Add(QuantBench.Create());
        bench.Subcommands.Add(PruneBench.Create());
        return bench;
    }
}
