using Descent.Data;
using Descent.Kernels;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Training;

/// <summary>
/// The forward and backward of a training step split over N replicas of one model on N threads (PyTorch's
/// <c>nn.DataParallel</c> on CPU cores, see <see cref="TrainerOptions.DataParallel"/>). Replica i takes rows
/// [i·B/N, (i+1)·B/N) of the batch. The replicas are the same module objects, so they share parameter values; each
/// secondary replica accumulates its parameter gradients in private buffers (<see cref="ReplicaGradients"/>), which
/// are summed into the parameters' gradients afterwards. Replica i back-propagates from
/// <c>loss_i · n_i / B</c> (mean-reduced losses; sum-reduced ones with weight 1), so the summed gradient is the
/// gradient of the whole batch's mean loss, as with one replica, up to float rounding.
/// </summary>
/// <remarks>
/// Like PyTorch's DataParallel: BatchNorm normalizes each replica with its own sub-batch's statistics and only the
/// first replica updates the running statistics; dropout in secondary replica i draws from its own generator seeded
/// by (step, i). Secondary replicas run on dedicated threads, one per replica, with intra-op threading divided
/// between the replicas while they run.
/// </remarks>
internal sealed class DataParallel : IDisposable
{
    private const long ReplicaStream = 0x5245_504C_4943_41;   // "REPLICA"

    private readonly Module _model;
    private readonly Loss _loss;
    private readonly ITrainingObjective? _objective;
    private readonly Helper[] _helpers;
    private readonly Tensor[] _outputs, _losses;
    private readonly Tensor[][] _catInputs;

    /// <summary>
    /// Starts <paramref name="replicas"/> − 1 helper threads for <paramref name="model"/>; each replica's loss is
    /// <paramref name="objective"/>'s when given, else <paramref name="loss"/> on the replica's output.
    /// </summary>
    public DataParallel(Module model, Loss loss, ITrainingObjective? objective, int replicas)
    {
        _model = model;
        _loss = loss;
        _objective = objective;
        var parameters = model.Parameters().ToArray();
        var scheduling = ThreadScheduling.CurrentRealTime();
        _helpers = new Helper[replicas - 1];
        for (int i = 0; i < _helpers.Length; i++) _helpers[i] = new Helper(this, i + 1, parameters, scheduling);
        _outputs = new Tensor[replicas];
        _losses = new Tensor[replicas];
        _catInputs = new Tensor[replicas + 1][];
        for (int n = 1; n <= replicas; n++) _catInputs[n] = new Tensor[n];
    }

    /// <summary>Number of replicas.</summary>
    public int Replicas => _helpers.Length + 1;

    /// <summary>
    /// Forward, loss and backward of the batch <paramref name="rows"/> over the replicas; the
    /// parameters' gradients hold the sum afterwards. Returns the batch loss (weighted mean of the replicas' losses,
    /// no graph) and the concatenated outputs. The helpers' step memory is recycled when the next step starts.
    /// </summary>
    public (Tensor Loss, Tensor Output) Run(TrainingBatch rows, long step)
    {
        int batch = rows.Input.Shape[0];
        int used = Math.Min(Replicas, batch);
        // The replicas share this thread's kernel threads. Scoped to the replicas' own threads: a process-wide change
        // would also throttle (and race with) any other training running in the process meanwhile.
        int threads = Math.Max(1, ParallelFor.Threads / used);
        using (ParallelFor.OverrideThreads(threads))
        {
            for (int i = 1; i < used; i++)
                _helpers[i - 1].Start(Part(rows, i, used), Weight(batch, i, used), step, threads);
            Exception? failure = null;
            try
            {
                (_outputs[0], _losses[0]) = Forward(Part(rows, 0, used), Weight(batch, 0, used));
            }
            catch (Exception e)
            {
                failure = e;
            }
            for (int i = 1; i < used; i++)
            {
                var helper = _helpers[i - 1];
                helper.Wait();
                failure ??= helper.Failure;
                (_outputs[i], _losses[i]) = (helper.Output!, helper.Loss!);
            }
            if (failure is not null)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        using var noGrad = GradMode.Disable();
        for (int i = 1; i < used; i++) _helpers[i - 1].Gradients.AddTo();
        double total = 0;
        for (int i = 0; i < used; i++) total += _losses[i].Item() * Weight(batch, i, used);
        var parts = _catInputs[used];
        Array.Copy(_outputs, parts, used);
        var output = used == 1 ? _outputs[0] : Tensor.Cat(parts);
        Array.Clear(parts);
        Array.Clear(_outputs);
        Array.Clear(_losses);
        return (Tensor.Scalar(total, output.DType), output);
    }

    /// <summary>Stops the helper threads.</summary>
    public void Dispose()
    {
        foreach (var h in _helpers) h.Dispose();
    }

    private (Tensor Output, Tensor Loss) Forward(TrainingBatch rows, double weight)
    {
        Tensor output, loss;
        if (_objective is not null)
            (output, loss) = _objective.Compute(_model, rows);
        else
        {
            output = _model.Call(rows.Input);
            loss = _loss.Call(output, rows.Target);
        }
        loss.Backward(Tensor.FullLike(loss, weight));
        return (output, loss.Detach());
    }

    // Rows [i·B/n, (i+1)·B/n) of input, target and sample indices: free views.
    private static TrainingBatch Part(TrainingBatch rows, int i, int n)
    {
        if (n == 1) return rows;
        int b = rows.Input.Shape[0], start = (int)((long)b * i / n), end = (int)((long)b * (i + 1) / n);
        var indices = rows.SampleIndices.Length == b ? rows.SampleIndices.Slice(start, end - start) : default;
        return new TrainingBatch(rows.Input.Narrow(0, start, end - start), rows.Target.Narrow(0, start, end - start), indices);
    }

    // An objective's loss is a mean over its rows (ITrainingObjective); a loss's, when its reduction is Mean.
    private double Weight(int batch, int i, int n)
    {
        if (_objective is null && _loss.Reduction != Reduction.Mean) return 1;
        int start = (int)((long)batch * i / n), end = (int)((long)batch * (i + 1) / n);
        return (double)(end - start) / batch;
    }

    /// <summary>One secondary replica: a thread that runs forward and backward on command.</summary>
    private sealed class Helper : IDisposable
    {
        private readonly DataParallel _owner;
        private readonly int _index;
        private readonly Thread _thread;
        private readonly SemaphoreSlim _go = new(0), _done = new(0);
        private readonly Generator _generator = new(0);
        private TrainingBatch _rows;
        private double _weight;
        private long _step;
        private int _threads;
        private bool _stop;
        private StepScope _scope;

        public Helper(DataParallel owner, int index, Tensor[] parameters, (int, int)? scheduling)
        {
            _owner = owner;
            _index = index;
            Gradients = new ReplicaGradients(parameters);
            _thread = new Thread(() =>
            {
                ThreadScheduling.Apply(scheduling);
                Loop();
            })
            {
                IsBackground = true,
                Name = $"descent-replica-{index}",
            };
            _thread.Start();
        }

        public ReplicaGradients Gradients { get; }

        public Tensor? Output { get; private set; }

        public Tensor? Loss { get; private set; }

        public Exception? Failure { get; private set; }

        public void Start(TrainingBatch rows, double weight, long step, int threads)
        {
            (_rows, _weight, _step, _threads) = (rows, weight, step, threads);
            _go.Release();
        }

        public void Wait() => _done.Wait();

        public void Dispose()
        {
            _stop = true;
            _go.Release();
            _thread.Join();
            _go.Dispose();
            _done.Dispose();
        }

        private void Loop()
        {
            while (true)
            {
                _go.Wait();
                if (_stop)
                {
                    _scope.Dispose();
                    return;
                }
                // The previous step's tensors are done with (the trainer copied what it keeps): recycle them.
                _scope.Dispose();
                Output = Loss = null;
                Failure = null;
                _scope = StepScope.Begin();
                try
                {
                    Gradients.Reset();
                    _generator.ManualSeed(SeedMixer.Mix(ReplicaStream, _step, _index));
                    using var grads = Gradients.Activate();
                    using var replica = Module.EnterSecondaryReplica();
                    using var random = Generator.Override(_generator);
                    using var threads = ParallelFor.OverrideThreads(_threads);
                    (Output, Loss) = _owner.Forward(_rows, _weight);
                }
                catch (Exception e)
                {
                    Failure = e;
                }
                _rows = default;
                _done.Release();
            }
        }
    }
}
