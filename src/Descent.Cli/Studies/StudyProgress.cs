using System.Diagnostics;
using System.Globalization;
using Descent.Tuning;
using Spectre.Console;

namespace Descent.Cli.Studies;

/// <summary>
/// Progress of <c>descent tune</c>. On a terminal: a live Spectre.Console bar (trials done of the budget, best value so
/// far, elapsed and remaining time) with one line per finished trial printed above it. Otherwise plain lines only
/// (state, value, parameters, best so far, ETA), so logs and CI output stay readable.
/// </summary>
public sealed class StudyProgress
{
    private readonly Study _study;
    private readonly int? _total;
    private readonly TextWriter _output;
    private readonly IAnsiConsole? _console;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private ProgressTask? _task;
    private int _done;

    /// <summary>
    /// Reports on <paramref name="study"/>, expecting <paramref name="total"/> trials (null: unknown). A live bar is
    /// drawn on <paramref name="console"/> when given, else on standard error when <paramref name="output"/> is it
    /// and it is an interactive terminal.
    /// </summary>
    public StudyProgress(Study study, int? total, TextWriter output, IAnsiConsole? console = null)
    {
        _study = study ?? throw new ArgumentNullException(nameof(study));
        _total = total;
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _console = console;
        if (_console is null && ReferenceEquals(output, Console.Error) && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive)
            _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
    }

    /// <summary>Runs <paramref name="optimize"/> (given the per-trial callback) under the live bar, if any.</summary>
    public void Run(Action<Action<Study, FrozenTrial>> optimize)
    {
        ArgumentNullException.ThrowIfNull(optimize);
        if (_console is null)
        {
            optimize(OnTrialEnd);
        }
        else
        {
            _console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    lock (_lock)
                    {
                        _task = ctx.AddTask(Describe(), maxValue: _total ?? 1);
                        _task.IsIndeterminate = _total is null;
                    }
                    optimize(OnTrialEnd);
                    lock (_lock) _task.StopTask();
                });
        }
        lock (_lock)
            _output.WriteLine($"{_done} trial(s) in {_clock.Elapsed:hh\\:mm\\:ss}");
    }

    /// <summary>The study callback: records and prints the trial that just finished.</summary>
    public void OnTrialEnd(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        lock (_lock)
        {
            _done++;
            string value = trial.Values is { } v ? string.Join(", ", v.Select(x => x.ToString("G6", CultureInfo.InvariantCulture))) : "-";
            string ps = string.Join(", ", trial.Params.Select(p => $"{p.Key}={TuneCommand.Format(p.Value)}"));
            string line = $"[{Count()}] trial {trial.Number} {trial.State.ToString().ToLowerInvariant()} {value}  ({ps})  best {Best()}";
            if (_console is null || _task is null)
            {
                string eta = _total is int t && _done < t
                    ? $"  eta {TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / _done * (t - _done)):hh\\:mm\\:ss}"
                    : "";
                _output.WriteLine(line + eta);
                return;
            }
            _console.MarkupLine(Markup.Escape(line));
            _task.Increment(1);
            _task.Description = Markup.Escape(Describe());
        }
    }

    private string Count() => _total is int n ? $"{_done}/{n}" : $"{_done}";

    private string Describe() => $"trials {Count()}  best {Best()}";

    private string Best()
    {
        if (_study.GetTrials(TrialState.Complete).Count == 0) return "-";
        if (_study.IsMultiObjective) return $"{_study.BestTrials.Count} on the Pareto front";
        var b = _study.BestTrial;
        return string.Create(CultureInfo.InvariantCulture, $"{b.Values![0]:G6} (trial {b.Number})");
    }
}
