using System.CommandLine;
using Descent.Cli;

namespace Descent.Tests.Cli;

/// <summary>
/// Command lines the parser rejects (<see cref="ParseProblems"/>): unknown options are named as options with the nearest
/// known one, unknown commands likewise, and a value that is not a number says what was expected (no .NET type name).
/// </summary>
public class ParseProblemsTests
{
    private static string LastLine(string text) => text.Trim().Split('\n')[^1].Trim();

    [Theory]
    [InlineData("train --frobnicate", "descent: descent train: unknown option '--frobnicate' (see descent train --help)")]
    [InlineData("train --epoch 2", "descent: descent train: unknown option '--epoch' (did you mean --epochs?)")]
    [InlineData("train --qiet", "descent: descent train: unknown option '--qiet' (did you mean --quiet?)")]
    [InlineData("train --set a=1 --runs-dri x", "descent: descent train: unknown option '--runs-dri' (did you mean --runs-dir?)")]
    [InlineData("train --epochs abc", "descent: descent train: --epochs expects a whole number, got 'abc'")]
    [InlineData("tune s.yaml --timeout soon", "descent: descent tune: --timeout expects a number, got 'soon'")]
    [InlineData("bench gemm --m 1.5", "descent: descent bench gemm: --m expects a whole number, got '1.5'")]
    [InlineData("trian", "descent: descent: unknown command 'trian' (did you mean train?)")]
    [InlineData("bench gemmm", "descent: descent bench: unknown command 'gemmm' (did you mean gemm?)")]
    [InlineData("train a.yaml b.yaml", "descent: descent train: unexpected argument 'b.yaml' (see descent train --help)")]
    [InlineData("bench optim --optimzer adam --params 10", "descent bench optim: unknown option '--optimzer' (did you mean --optimizer?).")]
    public void AProblemIsOneLineInTheUsersTerms(string commandLine, string expected)
    {
        var (code, output, errors) = CliRunner.Run(commandLine.Split(' '));
        Assert.Equal(CliErrors.UserErrorExitCode, code);
        Assert.Equal(expected, errors.Trim().Split('\n')[0].Trim());
        Assert.DoesNotContain("System.", errors);
        Assert.DoesNotContain("Experiment file not found", errors);
        Assert.DoesNotContain("Description:", output + errors);      // no help page in place of the message
    }

    [Fact]
    public void ValuesThatLookLikeOptionsButAreNotStayValues()
    {
        // A negative number is a value: the command's own check answers.
        var (code, _, errors) = CliRunner.Run("train", "--epochs", "-1");
        Assert.Equal(1, code);
        Assert.Equal("descent: --epochs must be at least 1, got -1.", LastLine(errors));
        // After "--" a token is an argument even when it starts with a dash.
        (code, _, errors) = CliRunner.Run("train", "--", "--odd-name.yaml");
        Assert.Equal(1, code);
        Assert.Equal("descent: Experiment file not found: --odd-name.yaml", LastLine(errors));
    }

    /// <summary>The class, not the instance: every command of the tool names an unknown option as an option.</summary>
    [Fact]
    public void EveryCommandNamesAnUnknownOption()
    {
        var commands = new List<(string Path, Command Command)>();
        void Walk(Command c, string path)
        {
            foreach (var sub in c.Subcommands)
            {
                commands.Add(($"{path} {sub.Name}".Trim(), sub));
                Walk(sub, $"{path} {sub.Name}");
            }
        }
        Walk(Program.BuildRoot(), "");
        Assert.True(commands.Count >= 15, $"only {commands.Count} commands found");
        foreach (var (path, command) in commands.Where(c => c.Command.Subcommands.Count == 0))
        {
            var args = path.Split(' ').Append("--no-such-option").ToArray();
            var (code, _, errors) = CliRunner.Run(args);
            Assert.True(code == CliErrors.UserErrorExitCode, $"{path}: exit {code}: {errors}");
            Assert.Contains("unknown option '--no-such-option'", errors.Split('\n')[0]);
            Assert.DoesNotContain("bug report", errors);
        }
    }
}
