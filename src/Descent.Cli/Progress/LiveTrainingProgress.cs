using System.Diagnostics;
using Descent.Training.Callbacks;
using Spectre.Console;

namespace Descent.Cli.Progress;

/// <summary>
/// The terminal display of <c>descent train</c>: a live Spectre.Console bar per epoch (running loss, samples/s, ETA of
/// the run) that clears when the epoch ends, with the epoch's metrics line printed above it. The numbers come from
/// <see cref="ProgressCallback"/>; off a terminal the CLI uses <see cref="PlainTextProgress"/> instead.
/// </summary>
public sealed class LiveTrainingProgress : ITrainingProgress, IDisposable
{
    private readonly IAnsiConsole _console;
    private readonly Stopwatch _sinceRedraw = new();
    private Thread? _liveThread;
    private ManualResetEventSlim? _liveDone;
    private ProgressContext? _live;
    private ProgressTask? _task;

    /// <summary>Draws on <paramref name="console"/>.</summary>
    public LiveTrainingProgress(IAnsiConsole console) => _console = console ?? throw new ArgumentNullException(nameof(console));

    /// <summary>True when standard error is an interactive terminal, where the live bar can be drawn.</summary>
    public static bool CanDrawOnStandardError => !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>A display on standard error.</summary>
    public static LiveTrainingProgress OnStandardError() =>
        new(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }));

    /// <inheritdoc/>
    public void OnTrainBegin()
    {
        // Spectre's live display blocks the thread that starts it: run it on its own thread until training ends.
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
        _sinceRedraw.Restart();
    }

    /// <inheritdoc/>
    public void OnEpochBegin(TrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (_live is null) return;
        _task = _live.AddTask(Markup.Escape(progress.Describe()), maxValue: Math.Max(1, progress.BatchesInEpoch));
    }

    /// <inheritdoc/>
    public void OnBatchEnd(TrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (_task is null) return;
        _task.Value = progress.Batch;
        // The description is redrawn at most ten times a second.
        if (_sinceRedraw.ElapsedMilliseconds >= 100)
        {
            _task.Description = Markup.Escape(progress.Describe());
            _sinceRedraw.Restart();
        }
    }

    /// <inheritdoc/>
    public void OnEpochEnd(EpochProgress epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        if (_task is not null)
        {
            _task.Value = _task.MaxValue;
            _task.StopTask();
            _task = null;
        }
        _console.WriteLine(epoch.Describe());
        _sinceRedraw.Restart();
    }

    /// <inheritdoc/>
    public void OnTrainEnd()
    {
        if (_liveThread is null) return;
        _liveDone!.Set();
        _liveThread.Join();
        _liveThread = null;
        _live = null;
        _liveDone.Dispose();
    }

    /// <summary>Ends the live display (same as <see cref="OnTrainEnd"/>).</summary>
    public void Dispose() => OnTrainEnd();
}
