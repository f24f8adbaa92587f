using System.CommandLine;
using Descent.Cli.Bench;
using Descent.Cli.Trace;

namespace Descent.Cli;

/// <summary>Entry point of the <c>descent</c> command-line tool. Parsing and wiring only; no algorithms.</summary>
public static class Program
{
    /// <summary>Runs the tool; exit code 0 on success, 1 on user error, 2 on internal error.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the tool writing results to <paramref name="output"/> and progress and errors to <paramref name="errors"/>.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter errors) => Run(BuildRoot(), args, output, errors);

    /// <summary>
    /// Runs <paramref name="root"/> (the tool's tree, or a test's) on <paramref name="args"/>. A command line the parser
    /// rejects is worded by <see cref="ParseProblems"/> (one line, exit 1); a failure is reported by
    /// <see cref="CliErrors.Report"/>: one line and exit 1 for a user error, a bug report and exit 2 for an internal one.
    /// </summary>
    public static int Run(RootCommand root, string[] args, TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        try
        {
            var parse = root.Parse(args);
            if (ParseProblems.Describe(parse) is { } problem)
            {
                errors.WriteLine($"descent: {problem}");
                return CliErrors.UserErrorExitCode;
            }
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = errors });
        }
        catch (Exception e)
        {
            return CliErrors.Report(e, args, errors);
        }
    }

    /// <summary>The command tree (exposed for tests).</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("Descent: train neural networks and optimize them, in pure .NET.");
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(TrainCommand.CreateResume());
        root.Subcommands.Add(DistillCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(PruneCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(TraceCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(StudyCommand.Create());
        root.Subcommands.Add(TuneCommand.Create());
        root.Subcommands.Add(SearchCommand.Create());
        return root;
    }
}
