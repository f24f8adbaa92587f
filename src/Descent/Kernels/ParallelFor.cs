namespace Descent.Kernels;

/// <summary>
/// A small, allocation-free parallel-for over a fixed set of background workers plus the calling thread.
/// Work items are handed out dynamically (an atomic counter), so uneven items balance themselves.
/// Only one parallel region runs at a time: a nested or concurrent call runs inline on its own thread,
/// which keeps results deterministic and avoids oversubscribing a 2-core machine.
/// </summary>
/// <remarks>
/// The caller waits only for items that were actually started, never for a worker that has not shown up:
/// on a loaded machine a descheduled worker would otherwise stall every region for a scheduler time slice
/// (measured: 5 ms per region instead of 5 µs with ~30 runnable threads on 2 cores), although the caller
/// had already run all the items itself. Items are claimed with a compare-and-swap on a word that holds
/// both the region's generation and the next index, so a worker that wakes late can neither claim an
/// item of a finished region nor run a newer region's index with an older region's body.
/// </remarks>
public static class ParallelFor
{
    private static readonly object Gate = new();
    private static readonly List<Thread> Workers = [];
    private static int _busy;            // 1 while a region owns the workers
    private static int _generation;      // id of the latest region; workers watch it
    private static long _state;          // (generation << 32) | next unclaimed index of the current region
    private static IRunner? _runner;
    private static int _count;
    private static int _grain;           // items claimed at once in the current region
    private static int _completed;       // items of the current region finished (or skipped after a failure)
    private static int _failed;          // 1 once an item of the current region threw
    private static int _wanted;          // workers allowed to join the current region
    private static int _sleepers;        // workers blocked in Monitor.Wait
    private static Exception? _failure;
    private static int _threads = DefaultThreads();
    [ThreadStatic] private static int _threadOverride;   // 0: none; else this thread's count from OverrideThreads

    /// <summary>
    /// Number of threads (caller included) the parallel kernels called from this thread may use: the count of the
    /// innermost <see cref="OverrideThreads"/> scope on this thread, else the process-wide count. Setting it changes
    /// the process-wide count (default <c>DESCENT_THREADS</c> or the processor count), which threads inside an
    /// <see cref="OverrideThreads"/> scope do not see until their scope ends.
    /// </summary>
    public static int Threads
    {
        get
        {
            int local = _threadOverride;
            return local != 0 ? local : _threads;
        }
        set
        {
            if (value < 1)
                throw new ArgumentOutOfRangeException(nameof(value), value, "Threads must be at least 1.");
            _threads = value;
        }
    }

    /// <summary>
    /// Makes <see cref="Threads"/> <paramref name="threads"/> for the calling thread only, until the returned scope is
    /// disposed (scopes nest). Training code that needs its own count — a data-parallel replica, an experiment's
    /// <c>threads</c> setting, a tuning trial running beside others — uses this instead of the process-wide setter,
    /// which every other thread would see, mid-run, and which concurrent save/set/restore sequences can leave
    /// at the wrong value. The override does not flow to other threads or tasks.
    /// </summary>
    public static ThreadsScope OverrideThreads(int threads)
    {
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "Threads must be at least 1.");
        var scope = new ThreadsScope(_threadOverride);
        _threadOverride = threads;
        return scope;
    }

    /// <summary>
    /// Restores the calling thread's previous <see cref="OverrideThreads"/> count when disposed; the default value is a
    /// scope that changes nothing.
    /// </summary>
    public readonly struct ThreadsScope : IDisposable
    {
        private readonly int _previous;
        private readonly bool _active;

        internal ThreadsScope(int previous) => (_previous, _active) = (previous, true);

        /// <summary>Restores the previous count; call it on the thread that created the scope.</summary>
        public void Dispose()
        {
            if (_active)
                _threadOverride = _previous;
        }
    }

    /// <summary>
    /// Runs <c>body.Invoke(i)</c> for every i in [0, <paramref name="count"/>), spread over up to
    /// <see cref="Threads"/> threads. Returns when all items have finished; rethrows the first failure.
    /// </summary>
    public static void Run<TBody>(int count, in TBody body) where TBody : struct, IParallelBody
    {
        int threads = Math.Min(Threads, count);
        if (threads <= 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            RunInline(count, in body);
            return;
        }

        var runner = Runner<TBody>.Instance;
        Exception? failure;
        try
        {
            EnsureWorkers(threads - 1);
            runner.Body = body;
            _runner = runner;
            _count = count;
            // Several items per claim: each claim and completion is an atomic on a line both cores write, which
            // cost more than the item itself for per-plane pooling or small activation chunks (hundreds of
            // sub-microsecond items). Four claims per thread keep the dynamic balance.
            _grain = Math.Max(1, count / (threads * 4));
            _completed = 0;
            _failed = 0;
            _failure = null;
            _wanted = threads - 1;
            int generation = _generation + 1;
            // Publish the region: the state word first, then the generation workers watch. Both are full
            // fences, so a worker that sees the new generation also sees the fields above.
            Interlocked.Exchange(ref _state, (long)generation << 32);
            Interlocked.Exchange(ref _generation, generation);
            if (Volatile.Read(ref _sleepers) > 0)
            {
                lock (Gate)
                    Monitor.PulseAll(Gate);
            }

            Drain(generation);
            if (CallerIsRealTime())
            {
                // Under a real-time policy a yield hands the core to any other process of the same priority (another
                // chrt benchmark) until it blocks, which can be seconds; the items still running are short: spin.
                while (Volatile.Read(ref _completed) < count)
                    Thread.SpinWait(4);
            }
            else
            {
                var spin = new SpinWait();
                while (Volatile.Read(ref _completed) < count)
                    spin.SpinOnce(sleep1Threshold: -1);
            }
        }
        finally
        {
            // Taken before the region is released: once _busy is 0 another thread's region may reset _failure (the
            // exception would be lost) or record its own (this caller would throw another region's exception).
            failure = _failure;
            _failure = null;
            runner.Body = default;   // do not keep the body's arrays alive
            _runner = null;
            Volatile.Write(ref _busy, 0);
        }

        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    private static void RunInline<TBody>(int count, in TBody body) where TBody : struct, IParallelBody
    {
        var local = body;
        for (int i = 0; i < count; i++)
            local.Invoke(i);
    }

    // Claims and runs items of region `generation` until none is left or a newer region replaced it.
    private static void Drain(int generation)
    {
        while (true)
        {
            long state = Volatile.Read(ref _state);
            if ((int)(state >> 32) != generation)
                return;
            // Read after seeing this generation's state; only used if the claim below succeeds, which proves
            // the region was still running, so these still belong to it.
            var runner = _runner;
            int count = _count;
            int index = (int)state;
            if (index >= count)
                return;
            int take = Math.Min(_grain, count - index);
            if (Interlocked.CompareExchange(ref _state, state + take, state) != state)
                continue;
            try
            {
                if (Volatile.Read(ref _failed) == 0)
                    runner!.Execute(index, index + take);
            }
            catch (Exception e)
            {
                if (Interlocked.Exchange(ref _failed, 1) == 0)
                    _failure = e;
            }
            finally
            {
                Interlocked.Add(ref _completed, take);
            }
        }
    }

    private static void EnsureWorkers(int needed)
    {
        if (Workers.Count >= needed)
            return;
        lock (Gate)
        {
            while (Workers.Count < needed)
            {
                int id = Workers.Count;
                int seen = _generation;   // the region about to be published is newer, so the worker joins it
                var scheduling = ThreadScheduling.CurrentRealTime();
                var t = new Thread(() =>
                {
                    ThreadScheduling.Apply(scheduling);
                    WorkerLoop(id, seen);
                })
                {
                    IsBackground = true,
                    Name = $"descent-worker-{id}",
                };
                Workers.Add(t);
                t.Start();
            }
        }
    }

    private static void WorkerLoop(int id, int seen)
    {
        while (true)
        {
            // Spin briefly first: training issues back-to-back kernels, and a futex wake costs more than
            // a short spin. Then block until the next region.
            // The spin yields now and then: under SCHED_FIFO (benchmarks run with chrt) a thread that never blocks
            // keeps its core from every other thread of its priority, such as the runtime's tiered-JIT worker.
            int generation = Volatile.Read(ref _generation);
            for (int s = 0; s < 2000 && generation == seen; s++)
            {
                Thread.SpinWait(20);
                if ((s & 63) == 63) Thread.Yield();
                generation = Volatile.Read(ref _generation);
            }
            if (generation == seen)
            {
                lock (Gate)
                {
                    // Announce before re-checking (a full fence, paired with the publisher's): either the
                    // publisher sees a sleeper and pulses, or this thread sees the new generation.
                    Interlocked.Increment(ref _sleepers);
                    while ((generation = Volatile.Read(ref _generation)) == seen)
                        Monitor.Wait(Gate);
                    Interlocked.Decrement(ref _sleepers);
                }
            }
            seen = generation;
            if (id < Volatile.Read(ref _wanted))
                Drain(generation);
        }
    }

    [ThreadStatic] private static int _callerRealTime;   // 0 unknown, 1 no, 2 yes

    private static bool CallerIsRealTime()
    {
        if (_callerRealTime == 0)
            _callerRealTime = ThreadScheduling.CurrentRealTime() is null ? 1 : 2;
        return _callerRealTime == 2;
    }

    private static int DefaultThreads()
    {
        var env = Environment.GetEnvironmentVariable("DESCENT_THREADS");
        if (!string.IsNullOrWhiteSpace(env))
        {
            if (!int.TryParse(env, out int n) || n < 1)
                throw new FormatException($"DESCENT_THREADS='{env}' is not a positive integer (unset it to use every core).");
            return n;
        }
        return Environment.ProcessorCount;
    }

    private interface IRunner
    {
        void Execute(int start, int end);
    }

    private sealed class Runner<TBody> : IRunner where TBody : struct, IParallelBody
    {
        public static readonly Runner<TBody> Instance = new();
        public TBody Body;

        public void Execute(int start, int end)
        {
            for (int i = start; i < end; i++)
                Body.Invoke(i);
        }
    }
}
