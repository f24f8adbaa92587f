using Descent.NN;
using Descent.Tensors;

namespace Descent.Experiments;

/// <summary>
/// Builds a <see cref="Sequential"/> from <c>model.layers</c>, inferring each layer's input size from the previous
/// layer's output shape (as Keras does), so a file only states output sizes. Errors name the layer's file and line.
/// </summary>
internal static class LayerListBuilder
{
    public static Sequential Build(IReadOnlyList<LayerSpec> layers, int[] inputShape, int outputs, DType dtype, Generator generator) =>
        BuildWithShape(layers, inputShape, outputs, dtype, generator).Model;

    private static (Sequential Model, int[] Shape) BuildWithShape(IReadOnlyList<LayerSpec> layers, int[] inputShape, int outputs,
        DType dtype, Generator generator)
    {
        var shape = inputShape.ToArray();   // per sample, without the batch dimension
        var modules = new List<Module>(layers.Count);
        foreach (var spec in layers)
        {
            var (module, next) = Create(spec, shape, outputs, dtype, generator);
            modules.Add(module);
            shape = next;
        }
        return (new Sequential([.. modules]), shape);
    }

    /// <summary>
    /// A <see cref="Residual"/> around the entry's own layers. The shortcut is the identity when the body keeps the
    /// input shape (auto) or when asked; a projection is a 1×1 Conv2d (no bias, the stride that maps the input size
    /// to the body's) → BatchNorm2d, as torchvision's ResNet.
    /// </summary>
    private static (Module Module, int[] Shape) CreateResidual(LayerSpec spec, int[] shape, int outputs, DType dtype, Generator generator)
    {
        var (body, outShape) = BuildWithShape(spec.Body ?? [], shape, outputs, dtype, generator);
        bool same = outShape.SequenceEqual(shape);
        Module? shortcut = (spec.Shortcut ?? "auto") switch
        {
            "identity" when !same => throw Error(spec, $"an identity shortcut needs the layers to keep their input shape {Format(shape)}, " +
                $"but they give {Format(outShape)}; use 'shortcut: projection' (or auto)"),
            "identity" => null,
            "auto" when same => null,
            _ => Projection(spec, shape, outShape, dtype, generator),
        };
        Module? activation = spec.Activation is { } a ? Create(a, outShape, outputs, dtype, generator).Module : null;
        return (new Residual(body, shortcut, activation), outShape);
    }

    private static Sequential Projection(LayerSpec spec, int[] input, int[] output, DType dtype, Generator generator)
    {
        if (input.Length != 3 || output.Length != 3)
            throw Error(spec, $"a projection shortcut is a 1×1 convolution and needs image input and output [channels, height, width], " +
                $"got {Format(input)} → {Format(output)}");
        int stride = Enumerable.Range(1, Math.Max(input[1], input[2]))
            .FirstOrDefault(s => (input[1] - 1) / s + 1 == output[1] && (input[2] - 1) / s + 1 == output[2]);
        if (stride == 0)
            throw Error(spec, $"no stride of a 1×1 convolution maps the input {input[1]}x{input[2]} to the layers' output {output[1]}x{output[2]}");
        return new Sequential(
            new Conv2d(input[0], output[0], 1, stride, bias: false, dtype: dtype, generator: generator),
            new BatchNorm2d(output[0], dtype: dtype));
    }

    private static string Format(int[] shape) => $"[{string.Join(", ", shape)}]";

    private static (Module Module, int[] Shape) Create(LayerSpec spec, int[] shape, int outputs, DType dtype, Generator generator)
    {
        var o = spec.Options;
        int I(string key) => (int)o[key];
        switch (spec.Type)
        {
            case "linear":
            {
                if (shape.Length != 1)
                    throw Error(spec, $"linear needs flat input features, but its input has shape [{string.Join(", ", shape)}]; add '- flatten' before it");
                int outFeatures = o.TryGetValue("out", out var v) ? (int)v : outputs;
                return (new Linear(shape[0], outFeatures, o["bias"] != 0, dtype, generator), [outFeatures]);
            }
            case "conv2d":
            {
                RequireImage(spec, shape);
                int k = I("kernel"), s = I("stride"), p = I("padding");
                int h = (shape[1] + 2 * p - k) / s + 1, w = (shape[2] + 2 * p - k) / s + 1;
                if (shape[1] + 2 * p < k || shape[2] + 2 * p < k)
                    throw Error(spec, $"kernel {k} is larger than the padded input {shape[1] + 2 * p}x{shape[2] + 2 * p}");
                return (new Conv2d(shape[0], I("out"), k, s, p, bias: o["bias"] != 0, dtype: dtype, generator: generator), [I("out"), h, w]);
            }
            case "maxpool2d" or "avgpool2d":
            {
                RequireImage(spec, shape);
                int k = I("kernel"), s = o.TryGetValue("stride", out var sv) ? (int)sv : k, p = I("padding");
                if (2 * p > k) throw Error(spec, $"padding {p} must be at most half the kernel {k} (PyTorch's rule)");
                int h = (shape[1] + 2 * p - k) / s + 1, w = (shape[2] + 2 * p - k) / s + 1;
                if (h < 1 || w < 1) throw Error(spec, $"kernel {k} is larger than the input {shape[1]}x{shape[2]}");
                Module pool = spec.Type == "maxpool2d" ? new MaxPool2d(k, s, p) : new AvgPool2d(k, s, p);
                return (pool, [shape[0], h, w]);
            }
            case "flatten":
                return (new Flatten(), [shape.Aggregate(1, (a, b) => a * b)]);
            case "relu": return (new ReLU(), shape);
            case "leaky_relu": return (new LeakyReLU(o["negative_slope"]), shape);
            case "elu": return (new ELU(o["alpha"]), shape);
            case "gelu": return (new GELU(), shape);
            case "silu": return (new SiLU(), shape);
            case "tanh": return (new Tanh(), shape);
            case "sigmoid": return (new Sigmoid(), shape);
            case "batchnorm1d":
                if (shape.Length is not (1 or 2)) throw Error(spec, $"batchnorm1d needs [features] or [channels, length] input, got [{string.Join(", ", shape)}]; use batchnorm2d for images");
                return (new BatchNorm1d(shape[0], o["eps"], o["momentum"], dtype: dtype), shape);
            case "batchnorm2d":
                RequireImage(spec, shape);
                return (new BatchNorm2d(shape[0], o["eps"], o["momentum"], dtype: dtype), shape);
            case "layernorm":
                return (new LayerNorm(shape[^1], o["eps"], dtype: dtype), shape);
            case "dropout":
                return (new Dropout(o["p"], generator), shape);
            case "adaptiveavgpool2d":
                RequireImage(spec, shape);
                return (new AdaptiveAvgPool2d(I("output_size")), [shape[0], I("output_size"), I("output_size")]);
            case "residual":
                return CreateResidual(spec, shape, outputs, dtype, generator);
            default:
                throw Error(spec, $"unknown layer '{spec.Type}'");
        }
    }

    private static void RequireImage(LayerSpec spec, int[] shape)
    {
        if (shape.Length != 3)
            throw Error(spec, $"{spec.Type} needs image input [channels, height, width], got [{string.Join(", ", shape)}]");
    }

    private static ConfigException Error(LayerSpec spec, string message) =>
        new(spec.Location.Length > 0 ? $"{spec.Location}: {message}" : message);
}
