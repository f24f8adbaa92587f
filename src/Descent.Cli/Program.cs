namespace Descent.Cli;

/// <summary>Entry point of the <c>descent</c> command-line tool. Parsing and wiring only; no algorithms.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["bench", "gemm", ..])
            return Bench.GemmBench.Run(args[2..]);
        Console.WriteLine("descent: no verbs yet");
        return args.Length == 0 ? 0 : 1;
    }
}
