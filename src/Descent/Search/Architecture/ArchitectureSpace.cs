using Descent.Experiments;
using Descent.Search.Studies;
using Descent.Tuning;

namespace Descent.Search.Architecture;

/// <summary>
/// A space of network architectures, defined by run: a function that takes its decisions one by one from an
/// <see cref="IArchitectureDecisions"/> and returns the candidate, so a decision exists only where it matters (a block's
/// width only if the block does, a kernel only for a convolution block). The same function serves a study trial (each
/// decision a trial parameter) and a strategy planning a candidate. Build one in code, or read the
/// <c>search_space:</c> section of a study file with <see cref="Parse"/>:
/// <code>
/// search_space:
///   stages:                                    # in order; image stages before fully connected ones
///     - name: features                         # decision names: features.blocks, features.0.type, …
///       blocks: {int: [1, 3]}                  # how many blocks (a number fixes it)
///       type: {choice: [conv2d, residual]}     # linear | conv2d | residual (default linear)
///       channels: {choice: [16, 32, 64]}       # width of linear blocks, channels of the others
///       kernel: {choice: [3, 5]}               # convolution blocks
///       norm: {choice: [none, batchnorm]}
///       activation: {choice: [relu, gelu]}
///       pool: {choice: [none, max]}            # convolution blocks: 2×2 pooling after the block
///       dropout: {float: [0.0, 0.3], step: 0.1}
///     - name: head
///       blocks: {int: [0, 2]}
///       width: {choice: [64, 128, 256]}
///       skip: {choice: [false, true]}          # linear blocks: a skip connection (when the width is kept)
/// </code>
/// Every field is a value or a <c>{float|int|choice: …}</c> range as in <c>search:</c>.
/// </summary>
public sealed class ArchitectureSpace
{
    private readonly Func<IArchitectureDecisions, ArchitectureCandidate> _define;

    /// <summary>Creates the space of <paramref name="define"/>.</summary>
    public ArchitectureSpace(Func<IArchitectureDecisions, ArchitectureCandidate> define) =>
        _define = define ?? throw new ArgumentNullException(nameof(define));

    /// <summary>The candidate of <paramref name="decisions"/>.</summary>
    public ArchitectureCandidate Sample(IArchitectureDecisions decisions)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        return _define(decisions);
    }

    /// <summary>The candidate of a trial and its decisions.</summary>
    public ArchitectureCandidate Sample(Trial trial) => Sample(ArchitectureDecisions.Of(trial));

    /// <summary>
    /// A candidate drawn with <paramref name="plan"/>'s values where they fit and <paramref name="fallback"/> elsewhere,
    /// with every decision it took.
    /// </summary>
    internal (ArchitectureCandidate Candidate, Dictionary<string, double> Decisions, Dictionary<string, Distribution> Distributions) Draw(
        IReadOnlyDictionary<string, double> plan, Func<string, Distribution, double> fallback)
    {
        var recorder = new PlannedDecisions(plan, fallback);
        var candidate = Sample(recorder);
        return (candidate, recorder.Values(), recorder.Made.ToDictionary(kv => kv.Key, kv => kv.Value.Distribution, StringComparer.Ordinal));
    }

    /// <summary>Reads a <c>search_space:</c> section (see the class summary); errors name the file, line and key.</summary>
    public static ArchitectureSpace Parse(ConfigNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var stages = node.Required("stages");
        var parsed = stages.Items().Select(Stage).ToList();
        node.RejectUnknownKeys();
        if (parsed.Count == 0) throw stages.Error("the search space needs at least one stage");
        var names = parsed.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (names is not null) throw stages.Error($"two stages are named '{names.Key}'");
        bool flat = false;
        foreach (var s in parsed)
        {
            if (flat && s.MayBeConvolutional)
                throw s.Node.Error($"stage '{s.Name}' may hold convolution blocks after a fully connected stage; put image stages first");
            flat |= s.MayBeLinear;
        }
        return new ArchitectureSpace(d =>
        {
            var blocks = new List<ArchitectureBlock>();
            foreach (var s in parsed) s.Sample(d, blocks);
            return new ArchitectureCandidate(blocks);
        });
    }

    private static StageSpec Stage(ConfigNode node, int index)
    {
        string name = node.Get("name")?.Text ?? $"stage{index}";
        if (name.Length == 0 || name.Contains('.', StringComparison.Ordinal)) throw node.Error($"invalid stage name '{name}'");
        var stage = new StageSpec(node, name,
            Field.Read(node, "blocks", name, 1L),
            Field.Read(node, "type", name, "linear"),
            Field.Read(node, node.Get("channels") is not null ? "channels" : "width", name, 64L),
            Field.Read(node, "kernel", name, 3L),
            Field.Read(node, "norm", name, "none"),
            Field.Read(node, "activation", name, "relu"),
            Field.Read(node, "pool", name, "none"),
            Field.Read(node, "dropout", name, 0.0),
            Field.Read(node, "skip", name, false));
        node.RejectUnknownKeys();
        stage.Check();
        return stage;
    }

    // One block property: a constant, or a decision over a distribution.
    private sealed record Field(ConfigNode? Node, object? Constant, Distribution? Distribution)
    {
        public static Field Read(ConfigNode stage, string key, string stageName, object? fallback)
        {
            var node = stage.Get(key);
            if (node is null) return new Field(null, fallback, null);
            if (node.IsMapping) return new Field(node, null, SearchParameter.Parse($"{stageName}.{key}", node).Distribution);
            if (!node.IsScalar) throw node.Error("expected a value or a {float|int|choice: …} range");
            return new Field(node, Scalar(node.Text), null);
        }

        public IReadOnlyList<object?> Values => Distribution switch
        {
            CategoricalDistribution c => c.Choices,
            IntDistribution i => Enumerable.Range(0, (i.High - i.Low) / i.Step + 1).Select(k => (object?)(long)(i.Low + k * i.Step)).ToList(),
            null => [Constant],
            _ => [],
        };

        public object? Take(IArchitectureDecisions d, string name) =>
            Distribution is null ? Constant : Distribution.ToExternal(d.Suggest(name, Distribution));

        private static object? Scalar(string text) =>
            long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var l) ? l
            : double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v
            : text is "true" or "false" ? text == "true"
            : text;
    }

    private sealed record StageSpec(ConfigNode Node, string Name, Field Blocks, Field Type, Field Width, Field Kernel, Field Norm,
        Field Activation, Field Pool, Field Dropout, Field Skip)
    {
        private static readonly string[] Activations = ["none", "relu", "gelu", "silu", "tanh", "sigmoid", "elu", "leaky_relu"];

        public bool MayBeConvolutional => Type.Values.Any(v => v is string s && s != "linear");

        public bool MayBeLinear => Type.Values.Any(v => v is "linear");

        public void Check()
        {
            Require(Blocks, v => v is long n && n >= 0, "blocks must be whole numbers ≥ 0");
            Require(Type, v => v is string s && ArchitectureBlock.Kinds.Contains(s), $"type must be one of {string.Join(", ", ArchitectureBlock.Kinds)}");
            Require(Width, v => v is long n && n >= 1, "widths and channels must be whole numbers ≥ 1");
            Require(Kernel, v => v is long n && n >= 1 && n % 2 == 1, "kernels must be odd whole numbers (padding kernel/2 keeps the image size)");
            Require(Norm, v => v is "none" or "batchnorm", "norm must be none or batchnorm");
            Require(Activation, v => v is string s && Activations.Contains(s), $"activation must be one of {string.Join(", ", Activations)}");
            Require(Pool, v => v is "none" or "max" or "avg", "pool must be none, max or avg");
            Require(Skip, v => v is bool, "skip must be true or false");
            if (Dropout.Distribution is FloatDistribution f ? f.Low < 0 || f.High >= 1 : Dropout.Values.Any(v => v is not (double or long) || Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) is < 0 or >= 1))
                throw (Dropout.Node ?? Node).Error("dropout must lie in [0, 1)");
        }

        private void Require(Field f, Func<object?, bool> ok, string message)
        {
            if (f.Distribution is FloatDistribution) throw (f.Node ?? Node).Error(message + " (a float range does not fit)");
            if (f.Values.Any(v => !ok(v))) throw (f.Node ?? Node).Error(message);
        }

        public void Sample(IArchitectureDecisions d, List<ArchitectureBlock> blocks)
        {
            int count = Convert.ToInt32(Blocks.Take(d, $"{Name}.blocks"), System.Globalization.CultureInfo.InvariantCulture);
            for (int i = 0; i < count; i++)
            {
                string p = $"{Name}.{i}.";
                string kind = (string)Type.Take(d, p + "type")!;
                bool conv = kind != "linear";
                int width = Convert.ToInt32(Width.Take(d, p + (conv ? "channels" : "width")), System.Globalization.CultureInfo.InvariantCulture);
                var previous = blocks.Count > 0 ? blocks[^1] : null;
                // A skip connection around a fully connected block needs the width kept (its shortcut is the identity).
                bool skip = !conv && (bool)Skip.Take(d, p + "skip")! && previous is { IsConvolutional: false } && previous.Width == width;
                blocks.Add(new ArchitectureBlock
                {
                    Kind = kind,
                    Width = width,
                    Kernel = conv ? Convert.ToInt32(Kernel.Take(d, p + "kernel"), System.Globalization.CultureInfo.InvariantCulture) : 3,
                    Norm = (string)Norm.Take(d, p + "norm")!,
                    Activation = (string)Activation.Take(d, p + "activation")!,
                    Pool = conv ? (string)Pool.Take(d, p + "pool")! : "none",
                    Dropout = Convert.ToDouble(Dropout.Take(d, p + "dropout"), System.Globalization.CultureInfo.InvariantCulture),
                    Skip = skip,
                });
            }
        }
    }
}
