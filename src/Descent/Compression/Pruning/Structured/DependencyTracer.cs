using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Pruning.Structured;

/// <summary>
/// Walks a model's module structure in forward order (the order its containers call their children), following
/// which channel space dim 1 of the running tensor belongs to: Linear and Conv2d read one space and start another,
/// BatchNorm, PReLU and depthwise convolutions are sliced with it, activations, dropout and pooling pass it on, a
/// Flatten turns channels into blocks of H·W features, and a residual sum merges the branch's space with the
/// shortcut's. A module it does not know fixes the spaces around it, so the result is safe rather than wrong.
/// </summary>
internal sealed class DependencyTracer(ChannelSpaces spaces, IReadOnlyDictionary<Module, Shape> outputs)
{
    /// <summary>The running tensor: the space of its dim 1, the features per channel there, and its shape.</summary>
    public readonly record struct Flow(int Space, int Block, Shape Shape);

    /// <summary>The flow after <paramref name="module"/> at <paramref name="path"/> has run on <paramref name="x"/>.</summary>
    public Flow Walk(string path, Module module, Flow x)
    {
        switch (module)
        {
            case Sequential seq:
                foreach (var (name, child) in seq.NamedChildren()) x = Walk(Join(path, name), child, x);
                return x;
            case Residual res:
            {
                var body = Walk(Join(path, "body"), res.Body, x);
                var skip = res.Shortcut is null ? x : Walk(Join(path, "shortcut"), res.Shortcut, x);
                var sum = Add(path, body, skip);
                return res.Activation is null ? sum : Walk(Join(path, "activation"), res.Activation, sum);
            }
            case ResidualBlock block:
            {
                var y = Walk(Join(path, "conv1"), block.Conv1, x);
                y = Walk(Join(path, "bn1"), block.Bn1, y);
                y = Walk(Join(path, "conv2"), block.Conv2, y);
                y = Walk(Join(path, "bn2"), block.Bn2, y);
                var skip = block.Downsample is null ? x : Walk(Join(path, "downsample"), block.Downsample, x);
                return Add(path, y, skip);   // the ReLU after the sum keeps the channels
            }
            case Linear linear:
                return Matrix(path, module, x, x.Shape.Rank == 2, linear.OutFeatures, "a Linear is traced on [batch, features] inputs only");
            case Conv2d conv when conv.Groups == 1:
                return Matrix(path, module, x, x.Block == 1, conv.OutChannels, "");
            case Conv2d conv when conv.Groups == conv.InChannels && conv.OutChannels == conv.InChannels:
                return Follow(path, module, x);
            case BatchNorm bn when bn.Weight is not null || bn.RunningMean is not null:
                return Follow(path, module, x);
            case PReLU prelu when prelu.Weight.Numel > 1:
                return Follow(path, module, x);
            case Flatten flatten:
                return Flattened(path, flatten, x);
            case LayerNorm:
                spaces.Fix(x.Space, $"LayerNorm '{path}' normalizes over them (removing one would change the others)");
                return x with { Shape = Output(path, module) };
            default:
                return IsChannelwise(module) ? x with { Shape = Output(path, module) } : Opaque(path, module, x);
        }
    }

    /// <summary>A Linear or Conv2d: reads <paramref name="x"/>'s channels and computes <paramref name="outputs"/> new ones.</summary>
    private Flow Matrix(string path, Module module, Flow x, bool traced, int outputs, string why)
    {
        if (!traced) return Opaque(path, module, x, why);
        spaces.Add(x.Space, new GroupMember(path, module, GroupRole.Consumer, 0, x.Block));
        int produced = spaces.New(outputs);
        spaces.Add(produced, new GroupMember(path, module, GroupRole.Producer));
        return new Flow(produced, 1, Output(path, module));
    }

    private Flow Follow(string path, Module module, Flow x)
    {
        spaces.Add(x.Space, new GroupMember(path, module, GroupRole.Follower, 0, x.Block));
        return x with { Shape = Output(path, module) };
    }

    private Flow Flattened(string path, Flatten flatten, Flow x)
    {
        var output = Output(path, flatten);
        int rank = x.Shape.Rank;
        if (rank < 2) return x with { Shape = output };
        int start = flatten.StartDim < 0 ? flatten.StartDim + rank : flatten.StartDim;
        int end = flatten.EndDim < 0 ? flatten.EndDim + rank : flatten.EndDim;
        if (start > 1 || end <= start) return x with { Shape = output };        // dim 1 untouched
        if (start < 1) return Opaque(path, flatten, x, "it merges the batch dimension with the channels");
        long block = x.Block;
        for (int d = 2; d <= end; d++) block *= x.Shape[d];
        return new Flow(x.Space, checked((int)block), output);
    }

    /// <summary>A residual sum: the branch's channels and the shortcut's are the same channels.</summary>
    private Flow Add(string path, Flow branch, Flow shortcut)
    {
        if (branch.Block != shortcut.Block)
        {
            spaces.Fix(branch.Space, $"the residual sum at '{path}' adds differently flattened features");
            spaces.Fix(shortcut.Space, $"the residual sum at '{path}' adds differently flattened features");
            return branch;
        }
        spaces.Union(branch.Space, shortcut.Space, $"the residual sum at '{path}'");
        return branch;
    }

    /// <summary>A module the tracer cannot see through: its input channels and its outputs stay as they are.</summary>
    private Flow Opaque(string path, Module module, Flow x, string why = "")
    {
        var reason = $"{module.TypeName} '{path}' is not traced" + (why.Length > 0 ? $" ({why})" : "");
        spaces.Fix(x.Space, reason);
        var shape = Output(path, module);
        int produced = spaces.New(shape.Rank >= 2 ? shape[1] : 1);
        spaces.Fix(produced, reason);
        return new Flow(produced, 1, shape);
    }

    private Shape Output(string path, Module module) =>
        outputs.TryGetValue(module, out var shape) ? shape
            : throw new InvalidOperationException($"dependency trace: {module.TypeName} '{path}' was not called in the example forward pass, so its shapes are unknown.");

    /// <summary>Parameter-free modules that act on each element (or each channel's plane) alone.</summary>
    private static bool IsChannelwise(Module module) => module is ReLU or LeakyReLU or ELU or SELU or SiLU or Hardswish or GELU
        or Sigmoid or Tanh or Softplus or Swish or Dropout or Identity or PReLU or MaxPool2d or AvgPool2d or AdaptiveAvgPool2d;

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
