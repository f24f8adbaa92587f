using System.Collections.Concurrent;
using System.Diagnostics;

namespace Descent.Tests.Tuning.Storage;

/// <summary>
/// One run of <c>Descent.TuningWorker</c> (built with the tests: the test project references it) as a separate
/// OS process, its stdout collected line by line.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();

    public WorkerProcess(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Descent.TuningWorker.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"the worker is not built next to the tests: {dll}");
        // The test host normally runs under the dotnet muxer; reuse it so the worker gets the same runtime.
        string host = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _errors.Enqueue(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IReadOnlyList<string> Lines => _lines.ToArray();

    /// <summary>Waits for a line starting with <paramref name="prefix"/>; false when the process exits or time runs out first.</summary>
    public bool WaitForLine(string prefix, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_lines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal))) return true;
            if (_process.HasExited) return false;
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>Waits for the exit and asserts success, showing the worker's stderr otherwise.</summary>
    public void AssertSucceeds(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"worker did not finish in {timeout.TotalSeconds} s; output: {string.Join(" | ", _lines)}");
        }
        _process.WaitForExit(); // drains the asynchronous output readers
        Assert.True(_process.ExitCode == 0, $"worker exited with {_process.ExitCode}: {string.Join(" | ", _errors)}");
    }

    /// <summary>SIGKILL: the worker gets no chance to clean up, as when its machine dies.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
