using System.CommandLine;
using System.CommandLine.Help;

namespace Descent.Cli;

/// <summary>
/// A subcommand whose many free-form options (lists, per-optimizer settings) are parsed by its own entry point with
/// <see cref="ArgReader"/>; its <c>-h/--help</c> prints that entry point's hand-written usage text.
/// </summary>
public static class RawArgsCommand
{
    /// <summary>
    /// Creates <paramref name="name"/>, handing every token after it to <paramref name="run"/> with the invocation's
    /// output and error writers.
    /// </summary>
    public static Command Create(string name, string description, string usage, Func<string[], TextWriter, TextWriter, int> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var cmd = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        cmd.Options.Add(new HelpOption { Action = new UsageAction(usage) });
        cmd.SetAction(r => run([.. r.UnmatchedTokens], r.InvocationConfiguration.Output, r.InvocationConfiguration.Error));
        return cmd;
    }

    /// <summary>Prints a fixed usage text (the <c>--help</c> of commands whose options are parsed by hand).</summary>
    private sealed class UsageAction(string usage) : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        /// <inheritdoc/>
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(usage);
            return 0;
        }
    }
}
