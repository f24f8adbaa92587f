using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Data;
using Descent.NN;
using Descent.NN.Architecture;
using Descent.Optim;
using Descent.Serialization;
using Descent.Tensors;

namespace Descent.Training.Checkpointing;

/// <summary>
/// Everything needed to resume training exactly: model weights and buffers, optimizer state, scheduler and
/// callback states, the default generator (dropout, augmentation), the data loader's position, the history so
/// far and the running loss of a partly done epoch. One safetensors file: tensors in the body, the rest as JSON
/// in its metadata; written atomically.
/// </summary>
public sealed class TrainingCheckpoint
{
    /// <summary>Safetensors metadata key holding the training state (what makes a file a training checkpoint).</summary>
    public const string StateKey = "descent.training";

    /// <summary>Prefix of the model's tensors in the file.</summary>
    public const string ModelPrefix = "model.";

    /// <summary>Model state dict.</summary>
    public required StateDict Model { get; init; }

    /// <summary>Optimizer state dict.</summary>
    public required OptimizerStateDict Optimizer { get; init; }

    /// <summary>
    /// The model's architecture (its layers with their current shapes), so the model can be rebuilt from the file alone
    /// (<see cref="ModuleCheckpoint.LoadModel"/>): after pruning the shapes differ from what any config says. Its
    /// <see cref="ModelArchitecture.WeightsPrefix"/> is relative to <see cref="Model"/>. Null when a module in the model
    /// has no registered kind, or for checkpoints written before architectures were stored.
    /// </summary>
    public ModelArchitecture? Architecture { get; init; }

    /// <summary>Named extra states (schedulers, callbacks).</summary>
    public Dictionary<string, Dictionary<string, object?>> Extras { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Where to resume (the batch after the last completed one).</summary>
    public required TrainingResume Resume { get; init; }

    /// <summary>The loader state at the resume point.</summary>
    public required DataLoaderState Loader { get; init; }

    /// <summary>State of <see cref="Generator.Default"/>.</summary>
    public required ulong[] Generator { get; init; }

    /// <summary>Captures the current state of a run from inside a callback.</summary>
    /// <param name="ctx">The training context.</param>
    /// <param name="afterBatch">True inside an epoch (after the current batch), false at the epoch's end.</param>
    /// <param name="extras">Extra states (schedulers, callbacks).</param>
    /// <param name="architecture">The architecture to store; null describes the context's model when it can.</param>
    public static TrainingCheckpoint Capture(TrainingContext ctx, bool afterBatch, IReadOnlyDictionary<string, Dictionary<string, object?>>? extras = null,
        ModelArchitecture? architecture = null)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (architecture is null && ModelArchitecture.TryDescribe(ctx.Model, out var described, out _)) architecture = described;
        int epoch = ctx.Epoch, batch = afterBatch ? ctx.BatchIndex + 1 : 0;
        PartialEpoch? partial = afterBatch ? new PartialEpoch(ctx.PartialLossSum, ctx.PartialSamples) { Metrics = ctx.PartialMetricStates() } : null;
        if (!afterBatch) epoch++;
        if (afterBatch && batch >= ctx.BatchesInEpoch)
        {
            // The epoch's batches are done but its end-of-epoch work is not: resume at the epoch's end.
            batch = ctx.BatchesInEpoch;
        }
        var history = new History();
        foreach (var e in ctx.History.Epochs) history.Add(e);
        if (!afterBatch) history.Add(ctx.EpochLogs);
        return new TrainingCheckpoint
        {
            Model = ctx.Model.StateDict(),
            Optimizer = ctx.Optimizer.StateDict(),
            Architecture = architecture,
            Extras = extras?.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal) ?? new(StringComparer.Ordinal),
            Resume = new TrainingResume(epoch, batch, ctx.GlobalStep + (afterBatch ? 1 : 0), history) { PartialEpoch = partial },
            Loader = ctx.TrainLoader.State with { Epoch = epoch, BatchIndex = batch, BatchSize = ctx.TrainLoader.BatchSize(epoch) },
            Generator = Descent.Tensors.Generator.Default.GetState(),
        };
    }

    /// <summary>Writes the checkpoint to <paramref name="path"/> atomically.</summary>
    public void Save(string path)
    {
        var tensors = new NamedTensors();
        foreach (var (k, v) in Model) tensors.Add(ModelPrefix + k, v);
        var codec = new StateCodec(tensors);
        var optState = new JsonObject();
        foreach (var (ordinal, state) in Optimizer.State)
            optState[ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture)] = codec.Encode(state, $"optim.{ordinal}");
        var groups = new JsonArray(Optimizer.ParamGroups.Select((g, i) => codec.Encode(g, $"optim.group{i}")).ToArray());
        var extras = new JsonObject();
        foreach (var (name, state) in Extras) extras[name] = codec.Encode(state, $"extra.{name}");
        var root = new JsonObject
        {
            ["version"] = 1,
            ["optimizer"] = new JsonObject { ["name"] = Optimizer.Optimizer, ["state"] = optState, ["param_groups"] = groups },
            ["extras"] = extras,
            ["resume"] = new JsonObject
            {
                ["epoch"] = Resume.Epoch, ["batch"] = Resume.BatchIndex, ["global_step"] = Resume.GlobalStep,
                ["partial_loss_sum"] = Resume.PartialEpoch?.LossSum, ["partial_samples"] = Resume.PartialEpoch?.Samples,
                ["partial_metrics"] = Resume.PartialEpoch?.Metrics is { } metrics
                    ? codec.Encode(metrics.ToDictionary(kv => kv.Key, kv => (object?)kv.Value.ToDictionary(x => x.Key, x => (object?)x.Value, StringComparer.Ordinal), StringComparer.Ordinal), "partial_metrics")
                    : null,
                ["history"] = new JsonArray(Resume.History.Epochs.Select(e => (JsonNode?)codec.Encode(e.ToDictionary(kv => kv.Key, kv => (object?)kv.Value), "history")).ToArray()),
            },
            ["loader"] = JsonSerializer.SerializeToNode(Loader),
            ["generator"] = new JsonArray(Generator.Select(g => (JsonNode?)JsonValue.Create(g.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray()),
        };
        var metadata = new Dictionary<string, string> { [StateKey] = root.ToJsonString() };
        if (Architecture is not null)
            metadata[ModelArchitecture.MetadataKey] = Architecture.WithWeightsPrefix(ModelPrefix + Architecture.WeightsPrefix).ToJson();
        Checkpoint.Save(path, tensors, metadata);
    }

    /// <summary>
    /// Reads a checkpoint written by <see cref="Save"/>. A file that is not one (truncated, random bytes, a safetensors
    /// file of other content, training state of the wrong shape) throws <see cref="IOException"/> or
    /// <see cref="InvalidDataException"/> naming the file and what is wrong, never an exception of the JSON reader.
    /// </summary>
    public static TrainingCheckpoint Load(string path)
    {
        var file = Checkpoint.Load(path);
        if (!file.Metadata.TryGetValue(StateKey, out var json))
            throw new InvalidDataException($"{path}: not a Descent training checkpoint (no '{StateKey}' metadata); a model-only checkpoint cannot resume training.");
        ModelArchitecture? architecture = null;
        if (file.Metadata.TryGetValue(ModelArchitecture.MetadataKey, out var architectureJson))
        {
            architecture = ModelArchitecture.Parse(architectureJson, path);
            if (!architecture.WeightsPrefix.StartsWith(ModelPrefix, StringComparison.Ordinal))
                throw new InvalidDataException($"{path}: the architecture's weights prefix '{architecture.WeightsPrefix}' is not under '{ModelPrefix}'.");
            architecture = architecture.WithWeightsPrefix(architecture.WeightsPrefix[ModelPrefix.Length..]);
        }
        try
        {
            return Parse(file, json, architecture);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or OverflowException
                                      or InvalidCastException or KeyNotFoundException or InvalidDataException)
        {
            // The writer above never produces these: the state was damaged or written by something else.
            throw new InvalidDataException($"{path}: corrupt training state: {e.Message}", e);
        }
    }

    private static TrainingCheckpoint Parse(NamedTensors file, string json, ModelArchitecture? architecture)
    {
        var root = Need(JsonNode.Parse(json), "the training state").AsObject();
        var codec = new StateCodec(file);
        var model = new StateDict();
        foreach (var name in file.Names.Where(n => n.StartsWith(ModelPrefix, StringComparison.Ordinal)))
            model.Add(name[ModelPrefix.Length..], file[name]);

        var opt = Need(root["optimizer"], "optimizer").AsObject();
        var optimizer = new OptimizerStateDict
        {
            Optimizer = Need(opt["name"], "optimizer.name").GetValue<string>(),
            State = Need(opt["state"], "optimizer.state").AsObject().ToDictionary(
                kv => int.Parse(kv.Key, System.Globalization.CultureInfo.InvariantCulture),
                kv => Map(codec.Decode(kv.Value), $"optimizer.state.{kv.Key}")),
            ParamGroups = Need(opt["param_groups"], "optimizer.param_groups").AsArray().Select((g, i) => Map(codec.Decode(g), $"optimizer.param_groups[{i}]")).ToList(),
        };
        var extras = Need(root["extras"], "extras").AsObject()
            .ToDictionary(kv => kv.Key, kv => Map(codec.Decode(kv.Value), $"extras.{kv.Key}"), StringComparer.Ordinal);
        var r = Need(root["resume"], "resume").AsObject();
        var history = new History();
        foreach (var e in Need(r["history"], "resume.history").AsArray())
            history.Add(Map(codec.Decode(e), "resume.history").ToDictionary(kv => kv.Key, kv => Convert.ToDouble(kv.Value, System.Globalization.CultureInfo.InvariantCulture)));
        PartialEpoch? partial = r["partial_samples"] is null ? null
            : new PartialEpoch(Need(r["partial_loss_sum"], "resume.partial_loss_sum").GetValue<double>(), r["partial_samples"]!.GetValue<long>())
            {
                Metrics = r["partial_metrics"] is { } metrics
                    ? Map(codec.Decode(metrics), "resume.partial_metrics").ToDictionary(kv => kv.Key,
                        kv => (IReadOnlyDictionary<string, double>)Map(kv.Value, $"resume.partial_metrics.{kv.Key}")
                            .ToDictionary(x => x.Key, x => Convert.ToDouble(x.Value, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal),
                        StringComparer.Ordinal)
                    : null,
            };
        var resume = new TrainingResume(Need(r["epoch"], "resume.epoch").GetValue<int>(), Need(r["batch"], "resume.batch").GetValue<int>(),
            Need(r["global_step"], "resume.global_step").GetValue<long>(), history) { PartialEpoch = partial };
        if (resume.Epoch < 0 || resume.BatchIndex < 0 || resume.GlobalStep < 0)
            throw new InvalidDataException($"resume point epoch {resume.Epoch}, batch {resume.BatchIndex}, step {resume.GlobalStep} has a negative entry");
        return new TrainingCheckpoint
        {
            Model = model,
            Optimizer = optimizer,
            Architecture = architecture,
            Extras = extras,
            Resume = resume,
            Loader = Need(root["loader"], "loader").Deserialize<DataLoaderState>(),
            Generator = Need(root["generator"], "generator").AsArray()
                .Select(g => ulong.Parse(Need(g, "generator").GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        };

        static JsonNode Need(JsonNode? node, string what) => node ?? throw new InvalidDataException($"'{what}' is missing");

        static Dictionary<string, object?> Map(object? value, string what) =>
            value as Dictionary<string, object?> ?? throw new InvalidDataException($"'{what}' is not a map of states");
    }

    /// <summary>Loads weights, optimizer state and the default generator's state into a freshly built run.</summary>
    public void Restore(Module model, Optimizer optimizer)
    {
        model.LoadStateDict(Model);
        optimizer.LoadStateDict(Optimizer);
        Descent.Tensors.Generator.Default.SetState(Generator);
    }
}
