namespace Descent.Tests.Cli;

/// <summary>Runs the <c>descent</c> command tree in-process with captured output, as <c>Program.Main</c> would.</summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Descent.Cli.Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
