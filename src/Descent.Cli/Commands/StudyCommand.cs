using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Descent.Cli.Studies;
using Descent.Serialization;
using Descent.Tuning;

namespace Descent.Cli;

/// <summary>
/// <c>descent study list|show|best|export --storage URL [--study NAME] [--format table|csv|json] [--output FILE]</c>:
/// inspect the studies of a SQLite or PostgreSQL storage.
/// </summary>
public static class StudyCommand
{
    /// <summary>Builds the command with its subcommands.</summary>
    public static Command Create()
    {
        var cmd = new Command("study", "Inspect stored studies: list them, show one's trials, print the best trial, export trials.");
        cmd.Subcommands.Add(Sub("list", "List the studies with trial counts and best values.", "table", false, List));
        cmd.Subcommands.Add(Sub("show", "Show one study's trials.", "table", true, Show));
        cmd.Subcommands.Add(Sub("best", "Print the best trial (the Pareto front for multi-objective studies) and its parameters.", "table", true, Best));
        cmd.Subcommands.Add(Sub("export", "Export a study's trials as CSV or JSON (stdout or --output).", "csv", true, Export));
        return cmd;
    }

    private delegate void Verb(IStudyStorage storage, string? study, string format, TextWriter output);

    private static Command Sub(string name, string description, string defaultFormat, bool hasStudy, Verb verb)
    {
        var storage = new Option<string>("--storage") { Description = "Storage URL: sqlite:///path.db or postgresql://user:password@host:port/database.", Required = true };
        var study = new Option<string?>("--study") { Description = "Study name (optional when the storage holds one study)." };
        var format = new Option<string>("--format") { Description = "Output format.", DefaultValueFactory = _ => defaultFormat };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file (atomically) instead of standard output." };
        var cmd = new Command(name, description) { storage, format, output };
        if (hasStudy) cmd.Options.Add(study);
        cmd.SetAction(r =>
        {
            var st = StudyOpener.OpenStorage(r.GetValue(storage)!);
            try
            {
                string? file = r.GetValue(output);
                if (file is null)
                {
                    verb(st, hasStudy ? r.GetValue(study) : null, r.GetValue(format)!, r.InvocationConfiguration.Output);
                    return 0;
                }
                var sw = new StringWriter(CultureInfo.InvariantCulture);
                verb(st, hasStudy ? r.GetValue(study) : null, r.GetValue(format)!, sw);
                AtomicFile.WriteAllBytes(file, Encoding.UTF8.GetBytes(sw.ToString()));
                r.InvocationConfiguration.Error.WriteLine($"wrote {file}");
                return 0;
            }
            finally
            {
                StudyOpener.Close(st);
            }
        });
        return cmd;
    }

    private static void List(IStudyStorage storage, string? _, string format, TextWriter output)
    {
        var header = new List<string> { "study", "directions", "trials", "complete", "pruned", "failed", "running", "best" };
        var rows = new List<IReadOnlyList<string>>();
        using var ms = new MemoryStream();
        using (var j = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            j.WriteStartArray();
            foreach (var s in storage.GetAllStudies().OrderBy(s => s.StudyName, StringComparer.Ordinal))
            {
                var study = Study.Load(s.StudyName, storage);
                var trials = study.Trials;
                int Count(TrialState st) => trials.Count(t => t.State == st);
                var directions = s.Directions.Select(d => d.ToString().ToLowerInvariant()).ToList();
                FrozenTrial? best = !study.IsMultiObjective && Count(TrialState.Complete) > 0 ? study.BestTrial : null;
                int front = study.IsMultiObjective ? study.BestTrials.Count : 0;
                rows.Add([s.StudyName, string.Join(",", directions), I(trials.Count), I(Count(TrialState.Complete)), I(Count(TrialState.Pruned)),
                    I(Count(TrialState.Failed)), I(Count(TrialState.Running)),
                    best is not null ? $"{StudyText.ValueText(best.Values![0])} (trial {best.Number})"
                    : study.IsMultiObjective ? $"{front} on the Pareto front" : ""]);

                j.WriteStartObject();
                j.WriteString("study", s.StudyName);
                j.WriteStartArray("directions");
                foreach (var d in directions) j.WriteStringValue(d);
                j.WriteEndArray();
                j.WriteNumber("trials", trials.Count);
                foreach (var st in new[] { TrialState.Complete, TrialState.Pruned, TrialState.Failed, TrialState.Running, TrialState.Waiting })
                    j.WriteNumber(st.ToString().ToLowerInvariant(), Count(st));
                if (best is not null)
                {
                    j.WriteNumber("best_value", best.Values![0]);
                    j.WriteNumber("best_trial", best.Number);
                }
                if (study.IsMultiObjective) j.WriteNumber("pareto_front_size", front);
                j.WriteEndObject();
            }
            j.WriteEndArray();
        }
        if (format == "json") output.Write(Encoding.UTF8.GetString(ms.ToArray()) + "\n");
        else Emit(output, format, header, rows);
    }

    private static void Show(IStudyStorage storage, string? name, string format, TextWriter output)
    {
        var study = StudyOpener.Load(storage, name);
        var trials = study.Trials;
        if (format == "json")
        {
            TrialTable.WriteJson(output, study, trials);
            return;
        }
        var (header, rows) = TrialTable.Build(study, trials);
        if (format == "table")
        {
            // The terminal view leaves out the timestamps (duration says enough) to keep rows on one line.
            int start = header.IndexOf("datetime_start");
            header.RemoveRange(start, 2);
            foreach (var r in rows) r.RemoveRange(start, 2);
            output.Write($"study {study.Name}: {trials.Count} trials, directions {string.Join(",", study.Directions.Select(d => d.ToString().ToLowerInvariant()))}\n");
        }
        Emit(output, format, header, rows);
    }

    private static void Best(IStudyStorage storage, string? name, string format, TextWriter output)
    {
        var study = StudyOpener.Load(storage, name);
        var best = study.BestTrials;
        if (best.Count == 0) throw new UserErrorException($"study \"{study.Name}\" has no complete trials yet");
        if (!study.IsMultiObjective) best = [study.BestTrial];
        if (format == "json")
        {
            TrialTable.WriteJson(output, study, best);
            return;
        }
        if (format == "csv")
        {
            var (h, r) = TrialTable.Build(study, best);
            TrialTable.WriteCsv(output, h, r);
            return;
        }
        var objectives = StudyText.ObjectiveNames(study);
        foreach (var t in best)
        {
            var values = string.Join(", ", objectives.Select((o, i) => $"{o} = {StudyText.ValueText(t.Values![i])}"));
            output.Write($"{(study.IsMultiObjective ? "Pareto-optimal" : "best")} trial {t.Number}: {values}\n");
            foreach (var (k, v) in t.Params) output.Write($"  {k} = {StudyText.ValueText(v)}\n");
        }
    }

    private static void Export(IStudyStorage storage, string? name, string format, TextWriter output)
    {
        if (format == "table") throw new UserErrorException("study export writes csv or json (--format csv|json)");
        Show(storage, name, format, output);
    }

    private static void Emit(TextWriter output, string format, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        switch (format)
        {
            case "csv":
                TrialTable.WriteCsv(output, header, rows);
                break;
            case "json":
                using (var ms = new MemoryStream())
                {
                    using (var j = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
                    {
                        j.WriteStartArray();
                        foreach (var r in rows)
                        {
                            j.WriteStartObject();
                            for (int i = 0; i < header.Count; i++) j.WriteString(header[i], r[i]);
                            j.WriteEndObject();
                        }
                        j.WriteEndArray();
                    }
                    output.Write(Encoding.UTF8.GetString(ms.ToArray()) + "\n");
                }
                break;
            default:
                ConsoleTable.Write(output, header, rows);
                break;
        }
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
