using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Data;
using Descent.NN;
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
    private const string StateKey = "descent.training";

    /// <summary>Model state dict.</summary>
    public required StateDict Model { get; init; }

    /// <summary>Optimizer state dict.</summary>
    public required OptimizerStateDict Optimizer { get; init; }

    /// <summary>Named extra states (schedulers, callbacks).</summary>
    public Dictionary<string, Dictionary<string, object?>> Extras { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Where to resume (the batch after the last completed one).</summary>
    public required TrainingResume Resume { get; init; }

    /// <summary>The loader state at the resume point.</summary>
    public required DataLoaderState Loader { get; init; }

    /// <summary>State of <see cref="Generator.Default"/>.</summary>
    public required ulong[] Generator { get; init; }

    /// <summary>Captures the current state of a run from inside a callback.</summary>
    public static TrainingCheckpoint Capture(TrainingContext ctx, bool afterBatch, IReadOnlyDictionary<string, Dictionary<string, object?>>? extras = null)
    {
        int epoch = ctx.Epoch, batch = afterBatch ? ctx.BatchIndex + 1 : 0;
        PartialEpoch? partial = afterBatch ? new PartialEpoch(ctx.PartialLossSum, ctx.PartialSamples) : null;
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
        foreach (var (k, v) in Model) tensors.Add("model." + k, v);
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
                ["history"] = new JsonArray(Resume.History.Epochs.Select(e => (JsonNode?)codec.Encode(e.ToDictionary(kv => kv.Key, kv => (object?)kv.Value), "history")).ToArray()),
            },
            ["loader"] = JsonSerializer.SerializeToNode(Loader),
            ["generator"] = new JsonArray(Generator.Select(g => (JsonNode?)JsonValue.Create(g.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray()),
        };
        Checkpoint.Save(path, tensors, new Dictionary<string, string> { [StateKey] = root.ToJsonString() });
    }

    /// <summary>Reads a checkpoint written by <see cref="Save"/>; errors name the file and the missing part.</summary>
    public static TrainingCheckpoint Load(string path)
    {
        var file = Checkpoint.Load(path);
        if (!file.Metadata.TryGetValue(StateKey, out var json))
            throw new InvalidDataException($"{path}: not a Descent training checkpoint (no '{StateKey}' metadata); a model-only checkpoint cannot resume training.");
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json)!.AsObject();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: corrupt training state: {e.Message}");
        }
        var codec = new StateCodec(file);
        var model = new StateDict();
        foreach (var name in file.Names.Where(n => n.StartsWith("model.", StringComparison.Ordinal)))
            model.Add(name["model.".Length..], file[name]);
        var opt = root["optimizer"]!.AsObject();
        var optimizer = new OptimizerStateDict
        {
            Optimizer = opt["name"]!.GetValue<string>(),
            State = opt["state"]!.AsObject().ToDictionary(
                kv => int.Parse(kv.Key, System.Globalization.CultureInfo.InvariantCulture),
                kv => (Dictionary<string, object?>)codec.Decode(kv.Value)!),
            ParamGroups = opt["param_groups"]!.AsArray().Select(g => (Dictionary<string, object?>)codec.Decode(g)!).ToList(),
        };
        var extras = root["extras"]!.AsObject().ToDictionary(kv => kv.Key, kv => (Dictionary<string, object?>)codec.Decode(kv.Value)!, StringComparer.Ordinal);
        var r = root["resume"]!.AsObject();
        var history = new History();
        foreach (var e in r["history"]!.AsArray())
            history.Add(((Dictionary<string, object?>)codec.Decode(e)!).ToDictionary(kv => kv.Key, kv => Convert.ToDouble(kv.Value, System.Globalization.CultureInfo.InvariantCulture)));
        PartialEpoch? partial = r["partial_samples"] is null ? null
            : new PartialEpoch(r["partial_loss_sum"]!.GetValue<double>(), r["partial_samples"]!.GetValue<long>());
        return new TrainingCheckpoint
        {
            Model = model,
            Optimizer = optimizer,
            Extras = extras,
            Resume = new TrainingResume(r["epoch"]!.GetValue<int>(), r["batch"]!.GetValue<int>(), r["global_step"]!.GetValue<long>(), history) { PartialEpoch = partial },
            Loader = root["loader"].Deserialize<DataLoaderState>()!,
            Generator = root["generator"]!.AsArray().Select(g => ulong.Parse(g!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        };
    }

    /// <summary>Loads weights, optimizer state and the default generator's state into a freshly built run.</summary>
    public void Restore(Module model, Optimizer optimizer)
    {
        model.LoadStateDict(Model);
        optimizer.LoadStateDict(Optimizer);
        Descent.Tensors.Generator.Default.SetState(Generator);
    }
}
