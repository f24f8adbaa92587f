using System.Diagnostics;
using System.Globalization;
using Descent.Tuning;
using Spectre.Console;

namespace Descent.Cli.Studies;

/// <summary>
/// Progress of <c>descent tune</c>: one line per finished trial (state, value, parameters, best so far, ETA when the
/// trial count is known). Lines rather than a live bar, because trials are long and their lines are the useful log;
/// on a terminal the best value is highlighted with Spectre.Console markup.
/// </summary>
public sealed class StudyProgress
{
    private readonly Study _study;
    private readonly int? _total;
    private readonly TextWriter _output;
    private readonly IAnsiConsole? _console;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private int _done;

    /// <summary>Reports on <paramref name="study"/>, expecting <paramref name="total"/> trials (null: unknown).</summary>
    public StudyProgress(Study study, int? total, TextWriter output)
    {
        _study = study;
        _total = total;
        _output = output;
        if (ReferenceEquals(output, Console.Error) && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive)
            _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
    }

    /// <summary>The study callback: prints the trial that just finished.</summary>
    public void OnTrialEnd(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        lock (_lock)
        {
            _done++;
            string value = trial.Values is { } v ? string.Join(", ", v.Select(x => x.ToString("G6", CultureInfo.InvariantCulture))) : "-";
            string ps = string.Join(", ", trial.Params.Select(p => $"{p.Key}={TuneCommand.Format(p.Value)}"));
            string count = _total is int n ? $"{_done}/{n}" : $"{_done}";
            string eta = _total is int t && _done < t
                ? $"  eta {TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / _done * (t - _done)):hh\\:mm\\:ss}"
                : "";
            string best = Best();
            string line = $"[{count}] trial {trial.Number} {trial.State.ToString().ToLowerInvariant()} {value}  ({ps})  best {best}{eta}";
            if (_console is not null) _console.MarkupLine(Markup.Escape(line).Replace("best " + Markup.Escape(best), "best [bold green]" + Markup.Escape(best) + "[/]", StringComparison.Ordinal));
            else _output.WriteLine(line);
        }
    }

    /// <summary>Prints the elapsed time.</summary>
    public void Finish()
    {
        lock (_lock)
            _output.WriteLine($"{_done} trial(s) in {_clock.Elapsed:hh\\:mm\\:ss}");
    }

    private string Best()
    {
        if (_study.GetTrials(TrialState.Complete).Count == 0) return "-";
        if (_study.IsMultiObjective) return $"{_study.BestTrials.Count} on the Pareto front";
        var b = _study.BestTrial;
        return string.Create(CultureInfo.InvariantCulture, $"{b.Values![0]:G6} (trial {b.Number})");
    }
}
