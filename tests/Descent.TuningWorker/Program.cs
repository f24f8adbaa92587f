// Worker process of the storage concurrency tests (tests/Descent.Tests/Tuning/Storage): joins a study in a shared
// storage (creating it if needed) and runs Study.Optimize with a cheap objective, printing "trial <number> <state>"
// for each trial it finishes. With --sleep-ms the objective sleeps after suggesting its parameters, so a test can
// kill the process mid-trial; heartbeat options enable dead-worker detection and retries. With --search FILE it runs
// the architecture search of that study file instead (descent search's runner: each trial trains a candidate into
// --runs-dir), so the same tests cover descent search workers.
using System.Globalization;
using Descent.Search.Architecture;
using Descent.Search.Studies;
using Descent.Tuning;

var opts = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i + 1 < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal)) return Usage($"unexpected argument {args[i]}");
    opts[args[i][2..]] = args[i + 1];
}
if (!opts.TryGetValue("storage", out var url) || !opts.TryGetValue("study", out var studyName) || !opts.TryGetValue("trials", out var trialsText))
    return Usage("--storage, --study and --trials are required");

int Int(string name, int fallback) => opts.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
int trials = int.Parse(trialsText, CultureInfo.InvariantCulture);
int seed = Int("seed", 0);
int sleepMs = Int("sleep-ms", 0);
int heartbeatMs = Int("heartbeat-ms", 0);
ISampler sampler = opts.GetValueOrDefault("sampler", "tpe") == "random" ? new RandomSampler(seed) : new TpeSampler(new TpeOptions { Seed = seed });
HeartbeatOptions? heartbeat = heartbeatMs <= 0 ? null : new HeartbeatOptions(
    TimeSpan.FromMilliseconds(heartbeatMs), TimeSpan.FromMilliseconds(Int("grace-ms", 2 * heartbeatMs)),
    opts.ContainsKey("max-retry") ? Int("max-retry", 0) : null);

try
{
    var storage = StorageFactory.Open(url);
    if (opts.TryGetValue("search", out var searchFile))
    {
        var runner = new ArchitectureSearchRunner(StudyFile.Load(searchFile, [$"study.name={studyName}"]), opts.GetValueOrDefault("runs-dir", "runs"));
        var search = runner.CreateStudy(storage, seed: seed, heartbeat: heartbeat);
        search.Optimize(trial =>
        {
            if (sleepMs > 0)
            {
                runner.Space.Sample(trial);
                Console.WriteLine($"sleeping {trial.Number}");
                Thread.Sleep(sleepMs);
            }
            return runner.Objective(trial);
        }, nTrials: trials, callbacks: [(_, t) => Console.WriteLine($"trial {t.Number} {t.State}")]);
        (storage as IDisposable)?.Dispose();
        Console.WriteLine("done");
        return 0;
    }
    var study = Study.Create(new StudyOptions { StudyName = studyName, Storage = storage, LoadIfExists = true, Sampler = sampler, Heartbeat = heartbeat });
    study.Optimize(trial =>
    {
        double x = trial.SuggestFloat("x", -5, 5);
        int n = trial.SuggestInt("n", 0, 10);
        string c = trial.SuggestCategorical("c", "a", "b", "c");
        if (sleepMs > 0)
        {
            Console.WriteLine($"sleeping {trial.Number}");
            Thread.Sleep(sleepMs);
        }
        return (x - 1) * (x - 1) + n + (c[0] - 'a');
    }, nTrials: trials, callbacks: [(_, t) => Console.WriteLine($"trial {t.Number} {t.State}")]);
    (storage as IDisposable)?.Dispose();
    Console.WriteLine("done");
    return 0;
}
catch (StorageException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

static int Usage(string problem)
{
    Console.Error.WriteLine($"Descent.TuningWorker: {problem}");
    Console.Error.WriteLine("usage: --storage URL --study NAME --trials N [--sampler tpe|random] [--seed S] [--sleep-ms MS] [--heartbeat-ms MS] [--grace-ms MS] [--max-retry N] [--search FILE --runs-dir DIR]");
    return 1;
}
