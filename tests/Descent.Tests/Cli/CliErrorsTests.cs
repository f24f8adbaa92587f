using System.CommandLine;
using Descent.Cli;

namespace Descent.Tests.Cli;

/// <summary>
/// The CLI's failure rule (<see cref="CliErrors"/>): a user error is one line and exit 1; an internal error
/// (<see cref="DescentInternalException"/>, or any exception that is not a known user error) is a bug report with the
/// stack trace and exit 2. Both are driven through <see cref="Program.Run(RootCommand, string[], TextWriter, TextWriter)"/>.
/// </summary>
public class CliErrorsTests
{
    private static (int Code, string Out, string Err) RunThrowing(Exception toThrow)
    {
        var root = new RootCommand("test");
        var fail = new Command("fail");
        fail.SetAction(_ => ThrowFromAMethod(toThrow));
        root.Subcommands.Add(fail);
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = Program.Run(root, ["fail"], output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    // A real throw from a named method, so the report's stack trace has a frame to show.
    private static int ThrowFromAMethod(Exception e) => throw e;

    [Fact]
    public void AnInternalErrorPrintsABugReportWithTheStackTraceAndExits2()
    {
        var (code, output, errors) = RunThrowing(new DescentInternalException("permute: source has 6 elements, destination 4."));
        Assert.Equal(CliErrors.InternalErrorExitCode, code);
        Assert.Empty(output);
        var lines = errors.Split(Environment.NewLine);
        Assert.Equal("descent: internal error: permute: source has 6 elements, destination 4.", lines[0]);
        Assert.Contains("This is a bug in Descent", lines[1]);
        Assert.Contains("--- bug report ---", lines);
        Assert.Contains("command: descent fail", lines);
        Assert.Contains(lines, l => l.StartsWith("version: Descent ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Descent.DescentInternalException: permute: source has 6 elements", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) && l.Contains(nameof(ThrowFromAMethod), StringComparison.Ordinal));
        Assert.Contains("--- end of bug report ---", lines);
    }

    [Fact]
    public void AnUnexpectedExceptionIsAlsoABug()
    {
        var (code, _, errors) = RunThrowing(new NullReferenceException("oops"));
        Assert.Equal(CliErrors.InternalErrorExitCode, code);
        Assert.Contains("System.NullReferenceException: oops", errors);
        Assert.Contains(nameof(ThrowFromAMethod), errors);
    }

    [Fact]
    public void AnInternalErrorWrappedInAUserErrorTypeIsStillABug()
    {
        var wrapped = new ArgumentException("bad value", new DescentInternalException("kernel length check"));
        Assert.True(CliErrors.IsInternalError(wrapped));
        Assert.False(CliErrors.IsUserError(wrapped));
        var (code, _, errors) = RunThrowing(new AggregateException(new DescentInternalException("in a worker")));
        Assert.Equal(CliErrors.InternalErrorExitCode, code);
        Assert.Contains("--- bug report ---", errors);
    }

    [Theory]
    [InlineData("user")]
    [InlineData("argument")]
    [InlineData("file")]
    public void AUserErrorIsOneLineWithoutAStackTraceAndExits1(string kind)
    {
        Exception e = kind switch
        {
            "user" => new UserErrorException("--epochs must be at least 1, got 0."),
            "argument" => new ArgumentException($"exp.yaml:3:5: optimizer.lr: must be ≥ 0,{Environment.NewLine}got -1.", nameof(kind)),
            _ => new FileNotFoundException("Experiment file not found: exp.yaml"),
        };
        var (code, _, errors) = RunThrowing(e);
        Assert.Equal(CliErrors.UserErrorExitCode, code);
        var lines = errors.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("descent: ", lines[0]);
        Assert.DoesNotContain(nameof(ThrowFromAMethod), errors);   // no stack trace
        Assert.DoesNotContain("bug", errors);
        Assert.DoesNotContain("(Parameter", errors);
    }

    [Fact]
    public void ARealUserErrorThroughTheToolIsOneLine()
    {
        var (code, _, errors) = CliRunner.Run("train", "--epochs", "0");
        Assert.Equal(CliErrors.UserErrorExitCode, code);
        Assert.Equal("descent: --epochs must be at least 1, got 0.", errors.Trim().Split('\n')[^1].Trim());
        Assert.DoesNotContain("bug report", errors);
    }
}
