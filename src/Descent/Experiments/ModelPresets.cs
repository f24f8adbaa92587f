using Descent.NN;
using Descent.Tensors;

namespace Descent.Experiments;

/// <summary>
/// Named image-classification models for <c>[N, C, H, W]</c> inputs (Fashion-MNIST: 1×28×28, 10 classes): the
/// models the experiment files and <c>descent bench train</c> refer to by name. Each returns logits
/// (CrossEntropyLoss applies log-softmax), and every layer uses PyTorch's default initialization from the generator.
/// </summary>
public static class ModelPresets
{
    /// <summary>The preset names, in the order the help text lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mlp", "mlp-bn", "lenet5", "cnn-small", "resnet-small"];

    /// <summary>
    /// Builds preset <paramref name="name"/> for inputs of <paramref name="channels"/>×<paramref name="height"/>×
    /// <paramref name="width"/> and <paramref name="classes"/> outputs. <paramref name="hidden"/> replaces the MLPs'
    /// hidden widths (default 256, 128) and <paramref name="dropout"/> adds dropout after each hidden block.
    /// </summary>
    public static Sequential Create(string name, int channels = 1, int height = 28, int width = 28, int classes = 10,
        IReadOnlyList<int>? hidden = null, double dropout = 0, DType dtype = DType.Float32, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (channels < 1 || height < 1 || width < 1 || classes < 1)
            throw new ArgumentException($"ModelPresets: input {channels}x{height}x{width} and {classes} classes must all be positive.");
        if (dropout is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "ModelPresets: dropout must be in [0, 1).");
        generator ??= new Generator(0);
        return name switch
        {
            "mlp" => Mlp(channels * height * width, hidden ?? [256, 128], classes, batchNorm: false, dropout, dtype, generator),
            "mlp-bn" => Mlp(channels * height * width, hidden ?? [256, 128], classes, batchNorm: true, dropout, dtype, generator),
            "lenet5" => LeNet5(channels, height, width, classes, dtype, generator),
            "cnn-small" => CnnSmall(channels, height, width, classes, dropout, dtype, generator),
            "resnet-small" => ResNetSmall(channels, classes, dtype, generator),
            _ => throw new ArgumentException($"ModelPresets: unknown model '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>Flatten → [Linear (→ BatchNorm1d) → ReLU (→ Dropout)] per hidden width → Linear.</summary>
    private static Sequential Mlp(int inputs, IReadOnlyList<int> hidden, int classes, bool batchNorm, double dropout,
        DType dtype, Generator generator)
    {
        var layers = new List<Module> { new Flatten() };
        int width = inputs;
        foreach (var h in hidden)
        {
            if (h < 1) throw new ArgumentException($"ModelPresets: hidden width {h} must be positive.", nameof(hidden));
            layers.Add(new Linear(width, h, bias: !batchNorm, dtype, generator)); // BN's shift makes a bias redundant
            if (batchNorm) layers.Add(new BatchNorm1d(h, dtype: dtype));
            layers.Add(new ReLU());
            if (dropout > 0) layers.Add(new Dropout(dropout, generator));
            width = h;
        }
        layers.Add(new Linear(width, classes, bias: true, dtype, generator));
        return new Sequential([.. layers]);
    }

    /// <summary>
    /// LeNet-5 (LeCun et al. 1998) in its common modern form: conv 5×5 (6, padding 2) → ReLU → max-pool 2 → conv 5×5
    /// (16) → ReLU → max-pool 2 → 120 → 84 → classes, with ReLU and max-pooling instead of tanh and subsampling.
    /// </summary>
    private static Sequential LeNet5(int channels, int height, int width, int classes, DType dtype, Generator generator)
    {
        int h = (height / 2 - 4) / 2, w = (width / 2 - 4) / 2;
        if (h < 1 || w < 1) throw new ArgumentException($"ModelPresets: lenet5 needs inputs of at least 12x12, got {height}x{width}.");
        return new Sequential(
            new Conv2d(channels, 6, 5, padding: 2, dtype: dtype, generator: generator), new ReLU(), new MaxPool2d(2),
            new Conv2d(6, 16, 5, dtype: dtype, generator: generator), new ReLU(), new MaxPool2d(2),
            new Flatten(),
            new Linear(16 * h * w, 120, true, dtype, generator), new ReLU(),
            new Linear(120, 84, true, dtype, generator), new ReLU(),
            new Linear(84, classes, true, dtype, generator));
    }

    /// <summary>
    /// A small VGG-style CNN: two blocks of [conv 3×3 → BatchNorm2d → ReLU] ×2 → max-pool 2 (32 then 64 channels),
    /// then Linear(128) → ReLU → Dropout → classes. About 0.4 M parameters at 28×28.
    /// </summary>
    private static Sequential CnnSmall(int channels, int height, int width, int classes, double dropout, DType dtype, Generator generator)
    {
        int h = height / 4, w = width / 4;
        if (h < 1 || w < 1) throw new ArgumentException($"ModelPresets: cnn-small needs inputs of at least 4x4, got {height}x{width}.");
        var layers = new List<Module>();
        int inC = channels;
        foreach (var outC in new[] { 32, 64 })
        {
            layers.Add(new Conv2d(inC, outC, 3, padding: 1, bias: false, dtype: dtype, generator: generator));
            layers.Add(new BatchNorm2d(outC, dtype: dtype));
            layers.Add(new ReLU());
            layers.Add(new Conv2d(outC, outC, 3, padding: 1, bias: false, dtype: dtype, generator: generator));
            layers.Add(new BatchNorm2d(outC, dtype: dtype));
            layers.Add(new ReLU());
            layers.Add(new MaxPool2d(2));
            inC = outC;
        }
        layers.Add(new Flatten());
        layers.Add(new Linear(64 * h * w, 128, true, dtype, generator));
        layers.Add(new ReLU());
        layers.Add(new Dropout(dropout > 0 ? dropout : 0.25, generator));
        layers.Add(new Linear(128, classes, true, dtype, generator));
        return new Sequential([.. layers]);
    }

    /// <summary>
    /// A small ResNet (He et al. 2016, the CIFAR variant's layout at a third of its depth): conv 3×3 (16) → BatchNorm2d
    /// → ReLU, then three basic blocks of 16, 32 and 64 channels (the last two halve the resolution with stride 2 and
    /// a 1×1-conv + BatchNorm2d projection shortcut; the first has the identity), global average pooling and Linear →
    /// classes. Each block is a <see cref="Residual"/> whose body is [conv 3×3 → BatchNorm2d → ReLU → conv 3×3 →
    /// BatchNorm2d], with ReLU after the addition, so <c>examples/experiments/resnet-small.yaml</c> builds the same
    /// model from a <c>residual:</c> layer list. About 75 k parameters; any input size.
    /// </summary>
    private static Sequential ResNetSmall(int channels, int classes, DType dtype, Generator generator)
    {
        var layers = new List<Module>
        {
            new Conv2d(channels, 16, 3, padding: 1, bias: false, dtype: dtype, generator: generator),
            new BatchNorm2d(16, dtype: dtype),
            new ReLU(),
        };
        int inC = 16;
        foreach (var (outC, stride) in new[] { (16, 1), (32, 2), (64, 2) })
        {
            var body = new Sequential(
                new Conv2d(inC, outC, 3, stride, 1, bias: false, dtype: dtype, generator: generator),
                new BatchNorm2d(outC, dtype: dtype),
                new ReLU(),
                new Conv2d(outC, outC, 3, padding: 1, bias: false, dtype: dtype, generator: generator),
                new BatchNorm2d(outC, dtype: dtype));
            var shortcut = stride == 1 && inC == outC ? null : new Sequential(
                new Conv2d(inC, outC, 1, stride, bias: false, dtype: dtype, generator: generator),
                new BatchNorm2d(outC, dtype: dtype));
            layers.Add(new Residual(body, shortcut, new ReLU()));
            inC = outC;
        }
        layers.Add(new AdaptiveAvgPool2d(1));
        layers.Add(new Flatten());
        layers.Add(new Linear(inC, classes, true, dtype, generator));
        return new Sequential([.. layers]);
    }
}
