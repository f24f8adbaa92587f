using System.CommandLine;

namespace Descent.Cli;

/// <summary>
/// A subcommand whose options are parsed by its own entry point (<c>Run(string[] args)</c>), for commands with
/// many free-form options (benchmarks, trace). Its own <c>--help</c> text comes from that entry point.
/// </summary>
public static class PassThroughCommand
{
    /// <summary>Creates <paramref name="name"/> forwarding every token after it to <paramref name="run"/>.</summary>
    public static Command Create(string name, string description, Func<string[], int> run)
    {
        var args = new Argument<string[]>("options") { Arity = ArgumentArity.ZeroOrMore, Description = "Options (see --help of the command)." };
        var cmd = new Command(name, description) { args };
        cmd.TreatUnmatchedTokensAsErrors = false;
        cmd.SetAction(r => run([.. r.GetValue(args) ?? [], .. r.UnmatchedTokens]));
        return cmd;
    }
}
