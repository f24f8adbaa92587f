using Descent.Compression.Pruning.Schedules;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training;

namespace Descent.Compression.Pruning.Unstructured;

/// <summary>
/// Gradual magnitude pruning during training (Zhu and Gupta 2017; tfmot's <c>prune_low_magnitude</c> with its
/// <c>UpdatePruningStep</c> callback): before the batch of every step the schedule marks, the weights are pruned
/// (global L1 over all targets) to the schedule's sparsity at that step. Masks stay in the layers, so pruned weights
/// stay zero while training continues. All targets are masked (all ones) from the start, so every checkpoint of the
/// run has the same state-dict keys and resuming restores the masks with the weights; the schedule is a function of
/// the step, so a resumed run prunes at the same steps.
/// With <c>rewindStep</c> (lottery-ticket rewinding, Frankle and Carbin 2019; Frankle et al. 2020 rewind to an early
/// step k instead of initialization) the parameters are recorded before step k and, right after the pruning event that
/// first reaches the schedule's final sparsity, every parameter of the model is reset to them; the masks keep the
/// pruned weights at zero and training continues from there (optimizer state is kept).
/// </summary>
public sealed class UnstructuredPruningCallback : ICallback
{
    private readonly List<PruningEvent> _events = [];
    private StateDict? _rewindState;
    private bool _rewound;

    /// <summary>
    /// Prunes <paramref name="targets"/> (e.g. <see cref="UnstructuredPruning.Weights"/>) following
    /// <paramref name="schedule"/>; <paramref name="rewindStep"/> ≥ 0 turns on rewinding to the values before that step.
    /// </summary>
    public UnstructuredPruningCallback(IReadOnlyList<PrunableParameter> targets, ISparsitySchedule schedule, long rewindStep = -1)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count == 0) throw new ArgumentException("pruning callback: no weights to prune.", nameof(targets));
        if (rewindStep < -1) throw new ArgumentOutOfRangeException(nameof(rewindStep), rewindStep, "pruning callback: rewind step must be ≥ 0 (or −1 for no rewinding).");
        Targets = targets;
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        RewindStep = rewindStep;
        foreach (var t in targets)
            if (t.Mask is null) t.Module.SetParameterMask(t.Name, Tensor.OnesLike(t.Parameter));
    }

    /// <summary>The pruned parameters.</summary>
    public IReadOnlyList<PrunableParameter> Targets { get; }

    /// <summary>The sparsity schedule.</summary>
    public ISparsitySchedule Schedule { get; }

    /// <summary>The step whose parameter values rewinding restores (−1: no rewinding).</summary>
    public long RewindStep { get; }

    /// <summary>The pruning events of this callback's training, in order.</summary>
    public IReadOnlyList<PruningEvent> Events => _events;

    /// <summary>True once the parameters were rewound.</summary>
    public bool Rewound => _rewound;

    /// <summary>The key of this callback's state among a checkpoint's extras.</summary>
    public const string StateKey = "unstructured_pruning";

    /// <summary>
    /// The state a checkpoint must keep for an exact resume (pass it through <c>ModelCheckpoint.Extras</c> under
    /// <see cref="StateKey"/>): the pruning history, whether rewinding happened, and the recorded rewind values. The
    /// masks are model buffers and the schedule position is the global step, both saved with the checkpoint already.
    /// </summary>
    public Dictionary<string, object?> State()
    {
        var state = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["event_steps"] = _events.Select(e => e.Step).ToArray(),
            ["event_sparsities"] = _events.Select(e => e.Sparsity).ToArray(),
            ["rewound"] = _rewound,
        };
        if (_rewindState is not null)
            state["rewind_values"] = _rewindState.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal);
        return state;
    }

    /// <summary>Restores <see cref="State"/> from the extras of the checkpoint a run resumes from (nothing when absent).</summary>
    public void LoadState(IReadOnlyDictionary<string, Dictionary<string, object?>> extras)
    {
        ArgumentNullException.ThrowIfNull(extras);
        if (!extras.TryGetValue(StateKey, out var s)) return;
        var steps = (long[])s["event_steps"]!;
        var sparsities = (double[])s["event_sparsities"]!;
        if (steps.Length != sparsities.Length)
            throw new InvalidDataException($"checkpoint extra '{StateKey}': {steps.Length} pruning steps but {sparsities.Length} sparsities.");
        _events.Clear();
        _events.AddRange(steps.Zip(sparsities, (step, sparsity) => new PruningEvent(step, sparsity)));
        _rewound = (bool)s["rewound"]!;
        _rewindState = null;
        if (s.TryGetValue("rewind_values", out var values) && values is Dictionary<string, object?> map)
        {
            _rewindState = new StateDict();
            foreach (var (name, value) in map) _rewindState.Add(name, (Tensor)value!);
        }
    }

    void ICallback.OnBatchBegin(TrainingContext context)
    {
        long step = context.GlobalStep;
        if (RewindStep == step && _rewindState is null) _rewindState = context.Model.StateDict().Clone();
        if (!Schedule.ShouldPrune(step)) return;
        double target = Schedule.Sparsity(step);
        UnstructuredPruning.GlobalL1ToSparsity(Targets, target);
        _events.Add(new PruningEvent(step, UnstructuredPruning.Sparsity(Targets)));
        bool final = Schedule.EndStep < 0 || step >= Schedule.EndStep;
        if (final && _rewindState is not null && !_rewound) Rewind(context.Model);
    }

    private void Rewind(Module model)
    {
        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        using (GradMode.Disable())
            foreach (var (name, value) in _rewindState!)
                if (parameters.TryGetValue(name, out var parameter)) parameter.CopyFrom(value);
        _rewound = true;
    }
}
