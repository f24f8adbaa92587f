namespace Descent.Kernels;

/// <summary>
/// A small, allocation-free parallel-for over a fixed set of background workers plus the calling thread.
/// Work items are handed out dynamically (an atomic counter), so uneven items balance themselves.
/// Only one parallel region runs at a time: a nested or concurrent call runs inline on its own thread,
/// which keeps results deterministic and avoids oversubscribing a 2-core machine.
/// </summary>
public static class ParallelFor
{
    private static readonly object Gate = new();
    private static readonly List<Thread> Workers = [];
    private static int _busy;            // 1 while a region owns the workers
    private static long[] _assigned = [];  // per worker: bumped (under Gate) when it is given a region
    private static IRunner? _runner;
    private static int _count;
    private static int _next;
    private static int _pending;         // workers that have not finished the current region
    private static Exception? _failure;
    private static int _threads = DefaultThreads();

    /// <summary>
    /// Number of threads (caller included) parallel kernels may use. Defaults to <c>DESCENT_THREADS</c>
    /// or the processor count.
    /// </summary>
    public static int Threads
    {
        get => _threads;
        set
        {
            if (value < 1)
                throw new ArgumentOutOfRangeException(nameof(value), value, "Threads must be at least 1.");
            _threads = value;
        }
    }

    /// <summary>
    /// Runs <c>body.Invoke(i)</c> for every i in [0, <paramref name="count"/>), spread over up to
    /// <see cref="Threads"/> threads. Returns when all items have finished; rethrows the first failure.
    /// </summary>
    public static void Run<TBody>(int count, in TBody body) where TBody : struct, IParallelBody
    {
        int threads = Math.Min(_threads, count);
        if (threads <= 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            RunInline(count, in body);
            return;
        }

        var runner = Runner<TBody>.Instance;
        try
        {
            EnsureWorkers(threads - 1);
            runner.Body = body;
            _count = count;
            _next = 0;
            _failure = null;
            _pending = threads - 1;
            _runner = runner;
            lock (Gate)
            {
                for (int w = 0; w < threads - 1; w++)
                    Volatile.Write(ref _assigned[w], _assigned[w] + 1);
                Monitor.PulseAll(Gate);
            }

            Drain(runner);
            var spin = new SpinWait();
            while (Volatile.Read(ref _pending) != 0)
                spin.SpinOnce(sleep1Threshold: -1);
        }
        finally
        {
            runner.Body = default;   // do not keep the body's arrays alive
            _runner = null;
            Volatile.Write(ref _busy, 0);
        }

        if (_failure is { } failure)
        {
            _failure = null;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private static void RunInline<TBody>(int count, in TBody body) where TBody : struct, IParallelBody
    {
        var local = body;
        for (int i = 0; i < count; i++)
            local.Invoke(i);
    }

    private static void Drain(IRunner runner)
    {
        int count = _count;
        try
        {
            int i;
            while ((i = Interlocked.Increment(ref _next) - 1) < count)
                runner.Execute(i);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, e, null);
            Volatile.Write(ref _next, count);   // stop handing out work
        }
    }

    private static void EnsureWorkers(int needed)
    {
        if (Workers.Count >= needed)
            return;
        lock (Gate)
        {
            if (_assigned.Length < needed)
                Array.Resize(ref _assigned, needed);
            while (Workers.Count < needed)
            {
                int id = Workers.Count;
                var t = new Thread(() => WorkerLoop(id))
                {
                    IsBackground = true,
                    Name = $"descent-worker-{id}",
                };
                Workers.Add(t);
                t.Start();
            }
        }
    }

    private static void WorkerLoop(int id)
    {
        long seen = 0;
        while (true)
        {
            // Spin briefly first: training issues back-to-back kernels, and a futex wake costs more than
            // a short spin. Then block until the next region.
            long gen = Volatile.Read(ref _assigned[id]);
            for (int s = 0; s < 2000 && gen == seen; s++)
            {
                Thread.SpinWait(20);
                gen = Volatile.Read(ref _assigned[id]);
            }
            if (gen == seen)
            {
                lock (Gate)
                {
                    while (_assigned[id] == seen)
                        Monitor.Wait(Gate);
                    gen = _assigned[id];
                }
            }
            seen = gen;
            Drain(_runner!);
            Interlocked.Decrement(ref _pending);
        }
    }

    private static int DefaultThreads()
    {
        var env = Environment.GetEnvironmentVariable("DESCENT_THREADS");
        if (!string.IsNullOrWhiteSpace(env))
        {
            if (!int.TryParse(env, out int n) || n < 1)
                throw new InvalidOperationException($"DESCENT_THREADS='{env}' is not a positive integer.");
            return n;
        }
        return Environment.ProcessorCount;
    }

    private interface IRunner
    {
        void Execute(int index);
    }

    private sealed class Runner<TBody> : IRunner where TBody : struct, IParallelBody
    {
        public static readonly Runner<TBody> Instance = new();
        public TBody Body;
        public void Execute(int index) => Body.Invoke(index);
    }
}
