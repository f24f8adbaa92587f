using System.Text.RegularExpressions;

namespace Descent.Tests.Cli;

/// <summary><c>descent --version</c> prints the one version of Directory.Build.props, which both packages carry.</summary>
public partial class VersionTests
{
    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();

    [Fact]
    public void VersionIsTheOneInDirectoryBuildProps()
    {
        var repo = Path.GetDirectoryName(Path.GetDirectoryName(Architecture.LayeringTests.SourceRoot()))!;
        var versions = VersionElement().Matches(File.ReadAllText(Path.Combine(repo, "Directory.Build.props")));
        var version = Assert.Single(versions).Groups[1].Value;
        foreach (var project in Directory.EnumerateFiles(Path.Combine(repo, "src"), "*.csproj", SearchOption.AllDirectories))
            Assert.DoesNotMatch(VersionElement(), File.ReadAllText(project));
        // The tool's own process (in-process, --version would name the test host).
        var cli = Path.Combine(AppContext.BaseDirectory, "Descent.Cli.dll");
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet", [cli, "--version"]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        Assert.Equal(version, output.Trim());
    }
}
