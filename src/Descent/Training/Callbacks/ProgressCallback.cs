using System.Diagnostics;
using System.Globalization;
using System.Text;
using Spectre.Console;

namespace Descent.Training.Callbacks;

/// <summary>
/// Shows training progress: a live Spectre.Console bar per epoch with the running loss, samples/s and the ETA of the
/// whole run when the output is a terminal; plain lines (every <see cref="PlainInterval"/>) otherwise, so logs and CI
/// output stay readable. Both print one line of metrics per finished epoch. Dispose it if training may throw, so the
/// live display ends.
/// </summary>
public sealed class ProgressCallback : ICallback, IDisposable
{
    private readonly TextWriter _output;
    private readonly bool _interactive;
    private readonly Stopwatch _clock = new();
    private readonly Stopwatch _sinceLine = new();
    private long _batchesDone, _samplesDone;
    private int _startEpoch;
    private Thread? _liveThread;
    private ManualResetEventSlim? _liveDone;
    private ProgressContext? _live;
    private ProgressTask? _task;
    private IAnsiConsole? _console;

    /// <summary>
    /// Writes to <paramref name="output"/> (default: standard error). <paramref name="interactive"/> forces the live bar
    /// on or off; by default it is on when writing to a standard error that is a terminal.
    /// </summary>
    public ProgressCallback(TextWriter? output = null, bool? interactive = null)
    {
        _output = output ?? Console.Error;
        _interactive = interactive ?? (output is null && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive);
    }

    /// <summary>Minimum time between two progress lines in plain mode.</summary>
    public TimeSpan PlainInterval { get; init; } = TimeSpan.FromSeconds(5);

    void ICallback.OnTrainBegin(TrainingContext context)
    {
        _clock.Restart();
        _sinceLine.Restart();
        _startEpoch = context.History.Epochs.Count;
        if (!_interactive) return;
        _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_output) });
        using var ready = new ManualResetEventSlim();
        _liveDone = new ManualResetEventSlim();
        var done = _liveDone;
        _liveThread = new Thread(() => _console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
            .Start(ctx =>
            {
                _live = ctx;
                ready.Set();
                done.Wait();
            }))
        { IsBackground = true, Name = "descent-progress" };
        _liveThread.Start();
        ready.Wait();
    }

    void ICallback.OnEpochBegin(TrainingContext context)
    {
        if (_live is null) return;
        _task = _live.AddTask(Describe(context), maxValue: Math.Max(1, context.BatchesInEpoch));
    }

    void ICallback.OnBatchEnd(TrainingContext context)
    {
        _batchesDone++;
        _samplesDone += context.BatchSize;
        if (_task is not null)
        {
            _task.Value = context.BatchIndex + 1;
            if (_sinceLine.ElapsedMilliseconds >= 100)
            {
                _task.Description = Markup.Escape(Describe(context));
                _sinceLine.Restart();
            }
        }
        else if (_sinceLine.Elapsed >= PlainInterval)
        {
            _output.WriteLine($"{Describe(context)}  batch {context.BatchIndex + 1}/{context.BatchesInEpoch}");
            _sinceLine.Restart();
        }
    }

    void ICallback.OnEpochEnd(TrainingContext context)
    {
        if (_task is not null)
        {
            _task.Value = _task.MaxValue;
            _task.StopTask();
            _task = null;
        }
        var line = EpochLine(context);
        if (_console is not null) _console.WriteLine(line);
        else _output.WriteLine(line);
        _sinceLine.Restart();
    }

    void ICallback.OnTrainEnd(TrainingContext context) => StopLive();

    /// <summary>Ends the live display (if any).</summary>
    public void Dispose() => StopLive();

    private void StopLive()
    {
        if (_liveThread is null) return;
        _liveDone!.Set();
        _liveThread.Join();
        _liveThread = null;
        _live = null;
        _liveDone.Dispose();
    }

    private string Describe(TrainingContext context)
    {
        double loss = context.PartialSamples > 0 ? context.PartialLossSum / context.PartialSamples : double.NaN;
        double seconds = _clock.Elapsed.TotalSeconds;
        double rate = seconds > 0 ? _samplesDone / seconds : 0;
        // ETA of the whole run: the average time per batch so far times the batches left.
        long left = context.BatchesInEpoch - (context.BatchIndex + 1) + (long)(context.Epochs - context.Epoch - 1) * context.BatchesInEpoch;
        double eta = _batchesDone > 0 ? seconds / _batchesDone * Math.Max(0, left) : double.NaN;
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {context.Epoch + 1}/{context.Epochs}  loss {loss:F4}  {rate:N0} samples/s  ETA {Duration(eta)}");
    }

    private string EpochLine(TrainingContext context)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"epoch {context.Epoch + 1}/{context.Epochs}");
        foreach (var (k, v) in context.EpochLogs)
        {
            if (k == "seconds") continue;
            sb.Append("  ").Append(k).Append(' ').Append(v.ToString(k == "lr" ? "G4" : "F4", CultureInfo.InvariantCulture));
        }
        if (context.EpochLogs.TryGetValue("seconds", out var s))
            sb.Append(CultureInfo.InvariantCulture, $"  {s:F1}s");
        double seconds = _clock.Elapsed.TotalSeconds;
        if (seconds > 0 && context.Epoch >= _startEpoch)
            sb.Append(CultureInfo.InvariantCulture, $"  {_samplesDone / seconds:N0} samples/s");
        return sb.ToString();
    }

    private static string Duration(double seconds)
    {
        if (!double.IsFinite(seconds)) return "--:--";
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }
}
