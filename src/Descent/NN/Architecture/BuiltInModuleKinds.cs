using Descent.Tensors;

namespace Descent.NN.Architecture;

/// <summary>
/// Descent's own modules as <see cref="ModuleKinds"/>: the containers (sequential, residual, module_list), every layer
/// the presets and YAML layer lists build, and the other shape-described layers of NN. Option names follow PyTorch's
/// constructor arguments. Not registered (a clear error when saved): LSTM, MultiheadAttention, ResidualBlock,
/// ConvTranspose2d, Swish — their settings are not all readable from outside yet.
/// </summary>
internal static class BuiltInModuleKinds
{
    public static void RegisterAll()
    {
        // Containers: the children are described and built by ModelArchitecture; the kind only puts them together.
        ModuleKinds.Register<Sequential>("sequential", (_, _) => { }, c => new Sequential([.. c.Children.Select(ch => ch.Module)]));
        ModuleKinds.Register<ModuleList>("module_list", (_, _) => { }, c => new ModuleList([.. c.Children.Select(ch => ch.Module)]));
        ModuleKinds.Register<Residual>("residual", (_, _) => { },
            c => new Residual(c.Child("body"), c.OptionalChild("shortcut"), c.OptionalChild("activation")));

        ModuleKinds.Register<Linear>("linear",
            (m, o) => o.Set("in_features", m.InFeatures).Set("out_features", m.OutFeatures).Set("bias", m.Bias is not null),
            c => new Linear(c.Options.Int("in_features"), c.Options.Int("out_features"), c.Options.Bool("bias"), c.DType, c.Generator));
        ModuleKinds.Register<Conv2d>("conv2d", DescribeConv2d, BuildConv2d);
        ModuleKinds.Register<Conv1d>("conv1d",
            (m, o) => o.Set("in_channels", m.InChannels).Set("out_channels", m.OutChannels).Set("kernel_size", m.KernelSize)
                .Set("stride", m.Stride).Set("padding", m.Padding).Set("dilation", m.Dilation).Set("groups", m.Groups).Set("bias", m.Bias is not null),
            c => new Conv1d(c.Options.Int("in_channels"), c.Options.Int("out_channels"), c.Options.Int("kernel_size"), c.Options.Int("stride"),
                c.Options.Int("padding"), c.Options.Int("dilation"), c.Options.Int("groups"), c.Options.Bool("bias"), c.DType, c.Generator));
        ModuleKinds.Register<BatchNorm1d>("batchnorm1d", DescribeBatchNorm,
            c => new BatchNorm1d(c.Options.Int("num_features"), c.Options.Double("eps"), c.Options.NullableDouble("momentum"),
                c.Options.Bool("affine"), c.Options.Bool("track_running_stats"), c.DType));
        ModuleKinds.Register<BatchNorm2d>("batchnorm2d", DescribeBatchNorm,
            c => new BatchNorm2d(c.Options.Int("num_features"), c.Options.Double("eps"), c.Options.NullableDouble("momentum"),
                c.Options.Bool("affine"), c.Options.Bool("track_running_stats"), c.DType));
        ModuleKinds.Register<LayerNorm>("layernorm",
            (m, o) => o.Set("normalized_shape", m.NormalizedShape).Set("eps", m.Eps).Set("elementwise_affine", m.Weight is not null),
            c => new LayerNorm(c.Options.Ints("normalized_shape"), c.Options.Double("eps"), c.Options.Bool("elementwise_affine"), c.DType));
        ModuleKinds.Register<Embedding>("embedding",
            (m, o) =>
            {
                o.Set("num_embeddings", m.NumEmbeddings).Set("embedding_dim", m.EmbeddingDim);
                if (m.PaddingIdx is int p) o.Set("padding_idx", p);
            },
            c => new Embedding(c.Options.Int("num_embeddings"), c.Options.Int("embedding_dim"),
                c.Options.Has("padding_idx") ? c.Options.Int("padding_idx") : null, c.DType, c.Generator));
        // Dropout draws its masks from the model's generator when it was built with one (experiments do), else from
        // the default generator; the rebuilt layer does the same.
        ModuleKinds.Register<Dropout>("dropout", (m, o) => o.Set("p", m.P).Set("model_generator", m.Generator is not null),
            c => new Dropout(c.Options.Double("p"), c.Options.Bool("model_generator", false) ? c.Generator : null));
        ModuleKinds.Register<Flatten>("flatten", (m, o) => o.Set("start_dim", m.StartDim).Set("end_dim", m.EndDim),
            c => new Flatten(c.Options.Int("start_dim"), c.Options.Int("end_dim")));
        ModuleKinds.Register<Identity>("identity", (_, _) => { }, _ => new Identity());

        ModuleKinds.Register<MaxPool2d>("maxpool2d",
            (m, o) => o.Set("kernel_size", Pair(m.KernelSize)).Set("stride", Pair(m.Stride)).Set("padding", Pair(m.Padding))
                .Set("dilation", Pair(m.Dilation)).Set("ceil_mode", m.CeilMode),
            c => new MaxPool2d(Size(c, "kernel_size"), Size(c, "stride"), Size(c, "padding"), Size(c, "dilation"), c.Options.Bool("ceil_mode")));
        ModuleKinds.Register<AvgPool2d>("avgpool2d",
            (m, o) =>
            {
                o.Set("kernel_size", Pair(m.KernelSize)).Set("stride", Pair(m.Stride)).Set("padding", Pair(m.Padding))
                    .Set("ceil_mode", m.CeilMode).Set("count_include_pad", m.CountIncludePad);
                if (m.DivisorOverride is int d) o.Set("divisor_override", d);
            },
            c => new AvgPool2d(Size(c, "kernel_size"), Size(c, "stride"), Size(c, "padding"), c.Options.Bool("ceil_mode"),
                c.Options.Bool("count_include_pad"), c.Options.Has("divisor_override") ? c.Options.Int("divisor_override") : null));
        ModuleKinds.Register<AdaptiveAvgPool2d>("adaptiveavgpool2d", (m, o) => o.Set("output_size", Pair(m.OutputSize)),
            c => new AdaptiveAvgPool2d(Size(c, "output_size")));
        ModuleKinds.Register<MaxPool1d>("maxpool1d",
            (m, o) => o.Set("kernel_size", m.KernelSize).Set("stride", m.Stride).Set("padding", m.Padding).Set("dilation", m.Dilation).Set("ceil_mode", m.CeilMode),
            c => new MaxPool1d(c.Options.Int("kernel_size"), c.Options.Int("stride"), c.Options.Int("padding"), c.Options.Int("dilation"), c.Options.Bool("ceil_mode")));
        ModuleKinds.Register<AvgPool1d>("avgpool1d",
            (m, o) => o.Set("kernel_size", m.KernelSize).Set("stride", m.Stride).Set("padding", m.Padding).Set("ceil_mode", m.CeilMode)
                .Set("count_include_pad", m.CountIncludePad),
            c => new AvgPool1d(c.Options.Int("kernel_size"), c.Options.Int("stride"), c.Options.Int("padding"), c.Options.Bool("ceil_mode"),
                c.Options.Bool("count_include_pad")));
        ModuleKinds.Register<AdaptiveAvgPool1d>("adaptiveavgpool1d", (m, o) => o.Set("output_size", m.OutputSize),
            c => new AdaptiveAvgPool1d(c.Options.Int("output_size")));

        ModuleKinds.Register<ReLU>("relu", (_, _) => { }, _ => new ReLU());
        ModuleKinds.Register<LeakyReLU>("leaky_relu", (m, o) => o.Set("negative_slope", m.NegativeSlope), c => new LeakyReLU(c.Options.Double("negative_slope")));
        ModuleKinds.Register<ELU>("elu", (m, o) => o.Set("alpha", m.Alpha), c => new ELU(c.Options.Double("alpha")));
        ModuleKinds.Register<SELU>("selu", (_, _) => { }, _ => new SELU());
        ModuleKinds.Register<SiLU>("silu", (_, _) => { }, _ => new SiLU());
        ModuleKinds.Register<Hardswish>("hardswish", (_, _) => { }, _ => new Hardswish());
        ModuleKinds.Register<GELU>("gelu", (m, o) => o.Set("approximate", m.Approximate == GeluApproximation.None ? "none" : "tanh"),
            c => new GELU(c.Options.String("approximate") switch
            {
                "none" => GeluApproximation.None,
                "tanh" => GeluApproximation.Tanh,
                var other => throw c.Error($"option 'approximate' must be none or tanh, got '{other}'."),
            }));
        ModuleKinds.Register<Sigmoid>("sigmoid", (_, _) => { }, _ => new Sigmoid());
        ModuleKinds.Register<Tanh>("tanh", (_, _) => { }, _ => new Tanh());
        ModuleKinds.Register<Softplus>("softplus", (m, o) => o.Set("beta", m.Beta).Set("threshold", m.Threshold),
            c => new Softplus(c.Options.Double("beta"), c.Options.Double("threshold")));
        ModuleKinds.Register<Softmax>("softmax", (m, o) => o.Set("dim", m.Dim), c => new Softmax(c.Options.Int("dim")));
        ModuleKinds.Register<LogSoftmax>("log_softmax", (m, o) => o.Set("dim", m.Dim), c => new LogSoftmax(c.Options.Int("dim")));
        ModuleKinds.Register<PReLU>("prelu", (m, o) => o.Set("num_parameters", m.Weight.Shape[0]),
            c => new PReLU(c.Options.Int("num_parameters"), dtype: c.DType));
    }

    private static void DescribeConv2d(Conv2d m, ModuleOptions o)
    {
        o.Set("in_channels", m.InChannels).Set("out_channels", m.OutChannels).Set("kernel_size", Pair(m.KernelSize))
            .Set("stride", Pair(m.Stride)).Set("padding", Pair(m.Padding)).Set("dilation", Pair(m.Dilation))
            .Set("groups", m.Groups).Set("bias", m.Bias is not null).Set("padding_mode", m.PaddingMode);
    }

    private static Conv2d BuildConv2d(ModuleBuildContext c)
    {
        var o = c.Options;
        int inC = o.Int("in_channels"), outC = o.Int("out_channels"), groups = o.Int("groups");
        return o.NullableString("padding_mode") is { } mode
            ? new Conv2d(inC, outC, Size(c, "kernel_size"), mode, Size(c, "stride"), Size(c, "dilation"), groups, o.Bool("bias"), c.DType, c.Generator)
            : new Conv2d(inC, outC, Size(c, "kernel_size"), Size(c, "stride"), Size(c, "padding"), Size(c, "dilation"), groups, o.Bool("bias"), c.DType, c.Generator);
    }

    private static void DescribeBatchNorm(BatchNorm m, ModuleOptions o)
    {
        o.Set("num_features", m.NumFeatures).Set("eps", m.Eps);
        if (m.Momentum is double momentum) o.Set("momentum", momentum);
        o.Set("affine", m.Weight is not null).Set("track_running_stats", m.RunningMean is not null);
    }

    private static int[] Pair(Size2 size) => [size.H, size.W];

    private static Size2 Size(ModuleBuildContext c, string key)
    {
        var v = c.Options.Ints(key);
        if (v.Length != 2) throw c.Error($"option '{key}' must hold two integers (height, width), got {v.Length}.");
        return new Size2(v[0], v[1]);
    }
}
