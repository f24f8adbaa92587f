using System.Diagnostics;
using System.Text;

namespace Descent.Tests.Cli;

/// <summary>
/// The packages, as a user gets them (README "Install"): <c>dotnet pack</c> makes the Descent library and the
/// Descent.Cli tool packages; the tool installs from the local folder into a tool path, prints the version of
/// Directory.Build.props and trains a tiny model; a new console project references the library package and trains.
/// Offline: the only package sources are the packed folder and the machine's package cache (a private cache keeps
/// the freshly packed versions from going stale).
/// </summary>
[Collection("Packaging")]
public sealed class PackagingTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-pack-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(params string[] parts) => Path.Combine([_dir.FullName, .. parts]);

    [Fact]
    public void PackagesInstallAndRunOffline()
    {
        var repo = Path.GetDirectoryName(Architecture.LayeringTests.SourceRoot())!;
        repo = Path.GetDirectoryName(repo)!;
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        string version = Version(repo);
        var artifacts = PathOf("artifacts");

        // The test build has built both projects: pack what was built.
        foreach (var project in new[] { "src/Descent/Descent.csproj", "src/Descent.Cli/Descent.Cli.csproj" })
            Dotnet(repo, "pack", Path.Combine(repo, project), "-c", configuration, "--no-build", "-o", artifacts);
        Assert.True(File.Exists(Path.Combine(artifacts, $"Descent.{version}.nupkg")));
        Assert.True(File.Exists(Path.Combine(artifacts, $"Descent.Cli.{version}.nupkg")));
        using (var zip = System.IO.Compression.ZipFile.OpenRead(Path.Combine(artifacts, $"Descent.{version}.nupkg")))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            foreach (var expected in new[] { "lib/net10.0/Descent.dll", "lib/net10.0/Descent.xml", "README.md", "LICENSE" })
                Assert.Contains(expected, entries);
        }

        // Offline sources: the packed folder and the machine's package cache (a folder feed of everything restored).
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } c ? c
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var config = PathOf("nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="artifacts" value="{artifacts}" />
                <add key="cache" value="{cache}" />
              </packageSources>
            </configuration>
            """);

        var tools = PathOf("tools");
        Dotnet(_dir.FullName, "tool", "install", "Descent.Cli", "--version", version, "--tool-path", tools, "--configfile", config);
        var descent = Path.Combine(tools, "descent");
        Assert.Equal(version, Run(_dir.FullName, descent, "--version").Trim());
        File.WriteAllText(PathOf("tiny.yaml"), """
            name: tiny
            epochs: 1
            data: {dataset: fashion-mnist, source: embedded, train_samples: 200, test_samples: 50, batch_size: 50}
            model: {preset: mlp, hidden: [16]}
            """);
        Assert.Matches(@"test accuracy: 0\.\d{4}", Run(_dir.FullName, descent, "train", "tiny.yaml", "--runs-dir", PathOf("runs"), "--quiet"));

        var app = PathOf("app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Descent" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Descent.NN;
            using Descent.Optim;
            using Descent.Tensors;

            var g = new Generator(0);
            var x = Tensor.Randn(new Shape(64, 3), DType.Float32, g);
            var y = x.Sum(1, keepDim: true);
            var model = new Sequential(new Linear(3, 8, generator: g), new ReLU(), new Linear(8, 1, generator: g));
            var optimizer = new Adam(model.Parameters(), new AdamOptions(0.05));
            double first = 0, last = 0;
            for (int step = 0; step < 100; step++)
            {
                optimizer.ZeroGrad();
                var loss = new MSELoss().Call(model.Call(x), y);
                loss.Backward();
                optimizer.Step();
                if (step == 0) first = loss.Item();
                last = loss.Item();
            }
            Console.WriteLine(FormattableString.Invariant($"loss {first:F4} -> {last:F4}"));
            """);
        File.Copy(config, Path.Combine(app, "nuget.config")); // restore reads the nuget.config beside the project
        var output = Run(app, "dotnet", "run");
        var m = System.Text.RegularExpressions.Regex.Match(output, @"loss (\d+\.\d+) -> (\d+\.\d+)");
        Assert.True(m.Success, output);
        Assert.True(double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) <
                    double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) / 10, output);
    }

    private static string Version(string repo)
    {
        var props = File.ReadAllText(Path.Combine(repo, "Directory.Build.props"));
        var m = System.Text.RegularExpressions.Regex.Match(props, "<Version>([^<]+)</Version>");
        Assert.True(m.Success, "Directory.Build.props has no <Version>.");
        return m.Groups[1].Value;
    }

    private void Dotnet(string workingDirectory, params string[] args) => Run(workingDirectory, "dotnet", args);

    /// <summary>Runs a process with a private package cache and no telemetry; fails with its output when it fails.</summary>
    private string Run(string workingDirectory, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["NUGET_PACKAGES"] = PathOf("packages");
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        info.Environment["DOTNET_CLI_HOME"] = PathOf("home");
        info.Environment.Remove("MSBuildExtensionsPath");
        info.Environment.Remove("MSBUILD_EXE_PATH");
        info.Environment.Remove("MSBuildSDKsPath");
        using var process = Process.Start(info)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish in 5 minutes.\n{stdout}\n{stderr}");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{stdout}\n{stderr}");
        return stdout.ToString();
    }
}
