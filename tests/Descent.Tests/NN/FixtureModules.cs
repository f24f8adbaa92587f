using Descent.NN;
using Descent.Tensors;
using Descent.Tests.Fixtures;

namespace Descent.Tests.NN;

/// <summary>Maps a fixture's torch class name and config to the Descent module or loss.</summary>
public static class FixtureModules
{
    /// <summary>Creates the subject; every config key must be consumed (checked by the caller).</summary>
    public static FixtureSubject Create(string module, FixtureConfig cfg, DType dtype) => module switch
    {
        "Linear" => FixtureSubject.Single(new Linear(cfg.Int("in_features"), cfg.Int("out_features"), cfg.Bool("bias", true), dtype)),
        "LSTM" => Lstm(cfg, dtype),
        "Conv2d" => FixtureSubject.Single(new Conv2d(cfg.Int("in_channels"), cfg.Int("out_channels"), Size(cfg, "kernel_size"),
            Size(cfg, "stride", 1), Padding(cfg), Size(cfg, "dilation", 1), cfg.Int("groups", 1), cfg.Bool("bias", true), dtype)),
        "ConvTranspose2d" => FixtureSubject.Single(new ConvTranspose2d(cfg.Int("in_channels"), cfg.Int("out_channels"), Size(cfg, "kernel_size"),
            Size(cfg, "stride", 1), Padding(cfg), Size(cfg, "output_padding", 0), cfg.Int("groups", 1), cfg.Bool("bias", true),
            Size(cfg, "dilation", 1), dtype)),
        "MaxPool2d" => MaxPool(cfg),
        "AvgPool2d" => FixtureSubject.Single(new AvgPool2d(Size(cfg, "kernel_size"), StrideOrKernel(cfg), Size(cfg, "padding", 0),
            cfg.Bool("ceil_mode", false), cfg.Bool("count_include_pad", true), cfg.IntOrNull("divisor_override"))),
        "AdaptiveAvgPool2d" => FixtureSubject.Single(new AdaptiveAvgPool2d(Size(cfg, "output_size"))),
        "Embedding" => Embedding(cfg, dtype),
        "Dropout" => FixtureSubject.Single(new Dropout(cfg.Double("p", 0.5))),
        "MultiheadAttention" => Attention(cfg, dtype),
        "Softmax" => FixtureSubject.Single(new Softmax(cfg.Int("dim"))),
        "LogSoftmax" => FixtureSubject.Single(new LogSoftmax(cfg.Int("dim"))),
        "CrossEntropyLoss" => CrossEntropy(cfg, dtype),
        "HintonDistillation" => Distillation(cfg),
        "ReLU" => FixtureSubject.Single(new ReLU()),
        "LeakyReLU" => FixtureSubject.Single(new LeakyReLU(cfg.Double("negative_slope", 0.01))),
        "PReLU" => FixtureSubject.Single(new PReLU(cfg.Int("num_parameters", 1), PreluInit(cfg), dtype)),
        "ELU" => FixtureSubject.Single(new ELU(cfg.Double("alpha", 1.0))),
        "SELU" => FixtureSubject.Single(Selu(cfg)),
        "SiLU" => FixtureSubject.Single(new SiLU()),
        "Swish" => FixtureSubject.Single(new Swish(cfg.Double("beta", 1.0), dtype: dtype)),
        "Hardswish" => FixtureSubject.Single(new Hardswish()),
        "GELU" => FixtureSubject.Single(new GELU(cfg.String("approximate", "none") switch
        {
            "none" => GeluApproximation.None,
            "tanh" => GeluApproximation.Tanh,
            var a => throw new InvalidDataException($"GELU: unknown approximate '{a}'."),
        })),
        "Sigmoid" => FixtureSubject.Single(new Sigmoid()),
        "Tanh" => FixtureSubject.Single(new Tanh()),
        "Softplus" => FixtureSubject.Single(new Softplus(cfg.Double("beta", 1.0), cfg.Double("threshold", 20.0))),
        "Flatten" => FixtureSubject.Single(new Flatten(cfg.Int("start_dim", 1), cfg.Int("end_dim", -1))),
        "Identity" => FixtureSubject.Single(new Identity()),
        "BatchNorm1d" => FixtureSubject.Single(new BatchNorm1d(cfg.Int("num_features"), cfg.Double("eps", 1e-5),
            Momentum(cfg), cfg.Bool("affine", true), cfg.Bool("track_running_stats", true), dtype)),
        "BatchNorm2d" => FixtureSubject.Single(new BatchNorm2d(cfg.Int("num_features"), cfg.Double("eps", 1e-5),
            Momentum(cfg), cfg.Bool("affine", true), cfg.Bool("track_running_stats", true), dtype)),
        "LayerNorm" => FixtureSubject.Single(new LayerNorm(cfg.Ints("normalized_shape"), cfg.Double("eps", 1e-5),
            cfg.Bool("elementwise_affine", true), dtype)),
        "MSELoss" => LossSubject(new MSELoss(Reduce(cfg))),
        "L1Loss" => LossSubject(new L1Loss(Reduce(cfg))),
        "SmoothL1Loss" => LossSubject(new SmoothL1Loss(Reduce(cfg), cfg.Double("beta", 1.0))),
        "HuberLoss" => LossSubject(new HuberLoss(Reduce(cfg), cfg.Double("delta", 1.0))),
        "BCELoss" => Bce(cfg, dtype),
        "BCEWithLogitsLoss" => LossSubject(new BCEWithLogitsLoss(cfg.Tensor("weight", dtype), Reduce(cfg), cfg.Tensor("pos_weight", dtype))),
        "NLLLoss" => LossSubject(new NLLLoss(cfg.Tensor("weight", dtype), ClassIndices(cfg, "NLLLoss"), Reduce(cfg))),
        "KLDivLoss" => LossSubject(new KLDivLoss(Reduce(cfg), cfg.Bool("log_target", false))),
        _ => throw new InvalidDataException($"Unknown fixture module '{module}'."),
    };

    private static FixtureSubject Lstm(FixtureConfig cfg, DType dtype)
    {
        if (cfg.Raw("proj_size") is { } p && p.GetDouble() != 0) throw new InvalidDataException("LSTM: proj_size is not supported.");
        var m = new LSTM(cfg.Int("input_size"), cfg.Int("hidden_size"), cfg.Int("num_layers", 1), cfg.Bool("bias", true),
            cfg.Bool("batch_first", false), cfg.Double("dropout", 0), cfg.Bool("bidirectional", false), dtype);
        return new(m, x =>
        {
            var (output, hn, cn) = m.Forward(x["input"], x.GetValueOrDefault("h_0"), x.GetValueOrDefault("c_0"));
            return new() { ["output"] = output, ["h_n"] = hn, ["c_n"] = cn };
        });
    }

    private static Size2 Size(FixtureConfig cfg, string key, int? fallback = null)
    {
        var (h, w) = cfg.Pair(key, fallback is { } f ? (f, f) : null);
        return new Size2(h, w);
    }

    private static Size2? StrideOrKernel(FixtureConfig cfg) =>
        cfg.Has("stride") ? Size(cfg, "stride") : cfg.Present("stride") ? null : null;

    private static Size2 Padding(FixtureConfig cfg)
    {
        var mode = cfg.String("padding_mode", "zeros");
        if (mode != "zeros") throw new InvalidDataException($"padding_mode '{mode}' is not supported.");
        if (cfg.Raw("padding") is { ValueKind: System.Text.Json.JsonValueKind.String } s)
            throw new InvalidDataException($"string padding '{s.GetString()}' is not supported.");
        return Size(cfg, "padding", 0);
    }

    private static FixtureSubject MaxPool(FixtureConfig cfg)
    {
        var m = new MaxPool2d(Size(cfg, "kernel_size"), StrideOrKernel(cfg), Size(cfg, "padding", 0), Size(cfg, "dilation", 1), cfg.Bool("ceil_mode", false));
        if (!cfg.Bool("return_indices", false)) return FixtureSubject.Single(m);
        return new(m, x =>
        {
            var (output, indices) = m.ForwardWithIndices(x["input"]);
            return new() { ["output"] = output, ["indices"] = indices };
        });
    }

    private static FixtureSubject Embedding(FixtureConfig cfg, DType dtype)
    {
        foreach (var unsupported in new[] { "max_norm", "scale_grad_by_freq", "sparse" })
            if (cfg.Raw(unsupported) is { } v && v.ValueKind is not (System.Text.Json.JsonValueKind.False or System.Text.Json.JsonValueKind.Null))
                throw new InvalidDataException($"Embedding: option {unsupported} is not supported.");
        var m = new Embedding(cfg.Int("num_embeddings"), cfg.Int("embedding_dim"), cfg.IntOrNull("padding_idx"), dtype);
        return new(m, x => new() { ["output"] = m.Call(x["indices"]) });
    }

    private static FixtureSubject Attention(FixtureConfig cfg, DType dtype)
    {
        var m = new MultiheadAttention(cfg.Int("embed_dim"), cfg.Int("num_heads"), cfg.Double("dropout", 0), cfg.Bool("bias", true),
            cfg.Bool("add_bias_kv", false), cfg.Bool("add_zero_attn", false), cfg.IntOrNull("kdim"), cfg.IntOrNull("vdim"),
            cfg.Bool("batch_first", false), dtype);
        bool needWeights = cfg.Bool("need_weights", true), average = cfg.Bool("average_attn_weights", true);
        return new(m, x =>
        {
            var (output, weights) = m.Forward(x["query"], x["key"], x["value"], x.GetValueOrDefault("key_padding_mask"),
                needWeights, x.GetValueOrDefault("attn_mask"), average);
            var result = new Dictionary<string, Tensor> { ["attn_output"] = output };
            if (weights is not null) result["attn_output_weights"] = weights;
            return result;
        });
    }

    private static FixtureSubject CrossEntropy(FixtureConfig cfg, DType dtype)
    {
        var type = cfg.String("target_type", "class_indices");
        if (type is not ("class_indices" or "probabilities")) throw new InvalidDataException($"CrossEntropyLoss: target_type '{type}' is unknown.");
        return LossSubject(new CrossEntropyLoss(cfg.Tensor("weight", dtype), cfg.Int("ignore_index", -100), Reduce(cfg), cfg.Double("label_smoothing", 0)));
    }

    private static FixtureSubject Distillation(FixtureConfig cfg)
    {
        var loss = new HintonDistillationLoss(cfg.Double("T"), cfg.Double("alpha"));
        var formula = cfg.String("formula", "");
        if (!formula.Contains("alpha * CE(student_logits, target) + (1 - alpha) * T^2 * KL", StringComparison.Ordinal))
            throw new InvalidDataException($"HintonDistillation: formula '{formula}' is not the implemented one.");
        return new(null, x =>
        {
            var (total, ce, kl) = loss.Forward(x["student_logits"], x["teacher_logits"], x["target"]);
            return new() { ["loss"] = total, ["ce"] = ce, ["kl"] = kl };
        });
    }

    private static FixtureSubject LossSubject(Loss loss) =>
        new(null, x => new() { ["loss"] = loss.Call(x["input"], x["target"]) });

    private static Reduction Reduce(FixtureConfig cfg) => ReductionExtensions.Parse(cfg.String("reduction", "mean"));

    private static FixtureSubject Bce(FixtureConfig cfg, DType dtype)
    {
        // The generator records pos_weight: null for BCELoss, which has no such option.
        if (cfg.Raw("pos_weight") is not null) throw new InvalidDataException("BCELoss has no pos_weight option.");
        return LossSubject(new BCELoss(cfg.Tensor("weight", dtype), Reduce(cfg)));
    }

    /// <summary>Reads ignore_index and checks target_type is class indices (NLL has no probability targets).</summary>
    private static long ClassIndices(FixtureConfig cfg, string module)
    {
        var type = cfg.String("target_type", "class_indices");
        if (type != "class_indices") throw new InvalidDataException($"{module}: target_type '{type}' is not supported.");
        return cfg.Int("ignore_index", -100);
    }

    private static double PreluInit(FixtureConfig cfg)
    {
        // "random" means the generator drew the slopes; they arrive in params, so any start value works.
        var v = cfg.Raw("init");
        return v is { ValueKind: System.Text.Json.JsonValueKind.Number } n ? n.GetDouble() : 0.25;
    }

    private static SELU Selu(FixtureConfig cfg)
    {
        // nn.SELU has fixed constants; the fixture records them, so check they are the ones implemented.
        double alpha = cfg.Double("alpha", Functional.SeluAlpha), scale = cfg.Double("scale", Functional.SeluScale);
        if (Math.Abs(alpha - Functional.SeluAlpha) > 1e-15 || Math.Abs(scale - Functional.SeluScale) > 1e-15)
            throw new InvalidDataException($"SELU: constants alpha={alpha}, scale={scale} differ from the implemented ones.");
        return new SELU();
    }

    // momentum: null in torch means a cumulative moving average; absent means the default 0.1.
    private static double? Momentum(FixtureConfig cfg) => cfg.Has("momentum") ? cfg.Double("momentum") : cfg.Present("momentum") ? null : 0.1;
}
