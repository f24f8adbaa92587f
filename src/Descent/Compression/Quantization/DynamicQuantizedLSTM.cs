using System.Globalization;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Compression.Quantization;

/// <summary>
/// A dynamically quantized LSTM (PyTorch's torch.ao.nn.quantized.dynamic.LSTM): the input and hidden weights of every
/// layer and direction int8 ahead of time (symmetric, per tensor or per gate row), biases float32; at each time step
/// the gates are <c>linear_dynamic(x_t, W_ih) + linear_dynamic(h, W_hh)</c>, each GEMM quantizing its own activation
/// (x_t, or h) from that step's min/max as PyTorch's quantized RNN cells do (aten/src/ATen/native/RNN.cpp,
/// QuantizedCellParamsDynamic: linear_ih and linear_hh per step), then the float LSTM cell. Inference only.
/// The GEMMs are <see cref="DynamicQuantizedLinear"/> children "ih_l{l}" and "hh_l{l}" ("_reverse" for the second
/// direction), so the state dict is theirs: "ih_l0.weight" (int8 [4H, in]), "ih_l0.weight_scale", "ih_l0.bias", ...
/// Shapes, states and outputs are those of <see cref="LSTM"/>.
/// </summary>
public sealed class DynamicQuantizedLSTM : Module
{
    private readonly DynamicQuantizedLinear[] _inputGemms, _hiddenGemms;

    /// <summary>An empty quantized LSTM of the given size, to be filled by <see cref="Module.LoadStateDict"/> (or <see cref="FromFloat"/>).</summary>
    public DynamicQuantizedLSTM(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false,
        bool bidirectional = false, bool perChannel = false, bool reduceRange = true)
    {
        if (inputSize < 1) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "DynamicQuantizedLSTM: input_size must be positive.");
        if (hiddenSize < 1) throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, "DynamicQuantizedLSTM: hidden_size must be positive.");
        if (numLayers < 1) throw new ArgumentOutOfRangeException(nameof(numLayers), numLayers, "DynamicQuantizedLSTM: num_layers must be at least 1.");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        BatchFirst = batchFirst;
        Bidirectional = bidirectional;
        HasBias = bias;
        PerChannel = perChannel;
        ReduceRange = reduceRange;
        int dirs = bidirectional ? 2 : 1;
        _inputGemms = new DynamicQuantizedLinear[numLayers * dirs];
        _hiddenGemms = new DynamicQuantizedLinear[numLayers * dirs];
        for (int l = 0; l < numLayers; l++)
            for (int d = 0; d < dirs; d++)
            {
                string suffix = Suffix(l, d);
                int layerInput = l == 0 ? inputSize : hiddenSize * dirs;
                _inputGemms[l * dirs + d] = RegisterModule("ih" + suffix, new DynamicQuantizedLinear(layerInput, 4 * hiddenSize, bias, perChannel, reduceRange));
                _hiddenGemms[l * dirs + d] = RegisterModule("hh" + suffix, new DynamicQuantizedLinear(hiddenSize, 4 * hiddenSize, bias, perChannel, reduceRange));
            }
        Eval();
    }

    private static string Suffix(int layer, int direction) =>
        string.Create(CultureInfo.InvariantCulture, $"_l{layer}{(direction == 1 ? "_reverse" : "")}");

    /// <summary>Features per input step.</summary>
    public int InputSize { get; }

    /// <summary>Hidden state size H.</summary>
    public int HiddenSize { get; }

    /// <summary>Stacked layers.</summary>
    public int NumLayers { get; }

    /// <summary>Inputs and outputs are [B, T, ·] instead of [T, B, ·].</summary>
    public bool BatchFirst { get; }

    /// <summary>True for a forward and a reverse direction per layer.</summary>
    public bool Bidirectional { get; }

    /// <summary>True when the GEMMs add biases.</summary>
    public bool HasBias { get; }

    /// <summary>True when every gate row has its own weight scale.</summary>
    public bool PerChannel { get; }

    /// <summary>True when activations are quantized to [0, 127] (see <see cref="DynamicQuantizedLinear.ReduceRange"/>).</summary>
    public bool ReduceRange { get; }

    /// <summary>
    /// Quantizes a float <see cref="LSTM"/>'s weights (qint8 symmetric, per tensor or with <paramref name="perChannel"/>
    /// per gate row, PyTorch's weight observers) and copies its biases. Inter-layer dropout is dropped (inference).
    /// </summary>
    public static DynamicQuantizedLSTM FromFloat(LSTM lstm, bool perChannel = false, bool reduceRange = true)
    {
        ArgumentNullException.ThrowIfNull(lstm);
        var parameters = lstm.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        bool bias = parameters.ContainsKey("bias_ih_l0");
        var q = new DynamicQuantizedLSTM(lstm.InputSize, lstm.HiddenSize, lstm.NumLayers, bias, lstm.BatchFirst, lstm.Bidirectional, perChannel, reduceRange);
        int dirs = lstm.Bidirectional ? 2 : 1;
        for (int l = 0; l < lstm.NumLayers; l++)
            for (int d = 0; d < dirs; d++)
            {
                string suffix = Suffix(l, d);
                q._inputGemms[l * dirs + d].LoadStateDict(DynamicQuantizedLinear.FromFloat(
                    AsLinear(parameters["weight_ih" + suffix], bias ? parameters["bias_ih" + suffix] : null), perChannel, reduceRange).StateDict());
                q._hiddenGemms[l * dirs + d].LoadStateDict(DynamicQuantizedLinear.FromFloat(
                    AsLinear(parameters["weight_hh" + suffix], bias ? parameters["bias_hh" + suffix] : null), perChannel, reduceRange).StateDict());
            }
        return q;
    }

    // A Linear holding copies of a weight matrix and bias, so DynamicQuantizedLinear.FromFloat quantizes them.
    private static Linear AsLinear(Tensor weight, Tensor? bias)
    {
        var linear = new Linear(weight.Shape[1], weight.Shape[0], bias is not null);
        using (GradMode.Disable())
        {
            linear.Weight.CopyFrom(weight.Detach().To(DType.Float32));
            linear.Bias?.CopyFrom(bias!.Detach().To(DType.Float32));
        }
        return linear;
    }

    /// <summary>Runs the sequence from zero states and returns the output sequence only.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null, null).Output;

    /// <summary>
    /// Runs the sequence from initial states <paramref name="h0"/>, <paramref name="c0"/> (zeros when null), as
    /// <see cref="LSTM.Forward(Tensor, Tensor?, Tensor?)"/>; float32 in and out (float64 inputs are computed in float32).
    /// </summary>
    public (Tensor Output, Tensor HN, Tensor CN) Forward(Tensor input, Tensor? h0, Tensor? c0)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.DType.IsFloatingPoint())
            throw new ArgumentException($"{TypeName}: input must be float32 or float64, got {input.DType.TorchName()}.", nameof(input));
        if (input.Rank is not (2 or 3))
            throw new ArgumentException($"{TypeName}: expected input [T, B, {InputSize}] (or [B, T, {InputSize}] with batch_first, or unbatched [T, {InputSize}]), got {input.Shape}.");
        using var noGrad = GradMode.Disable();
        bool unbatched = input.Rank == 2;
        var x = (unbatched ? input.Unsqueeze(1) : BatchFirst ? input.Transpose(0, 1) : input).To(DType.Float32);
        if (x.Shape[2] != InputSize)
            throw new ArgumentException($"{TypeName}: input has {x.Shape[2]} features, expected input_size {InputSize} (input {input.Shape}).");
        int steps = x.Shape[0], batch = x.Shape[1], dirs = Bidirectional ? 2 : 1, hidden = HiddenSize;
        var stateShape = new Shape(NumLayers * dirs, batch, hidden);
        var h = State(h0, "h_0", stateShape, unbatched);
        var c = State(c0, "c_0", stateShape, unbatched);
        var hn = new Tensor[NumLayers * dirs];
        var cn = new Tensor[NumLayers * dirs];
        var layerInput = x;
        for (int l = 0; l < NumLayers; l++)
        {
            var outputs = new Tensor[dirs];
            for (int d = 0; d < dirs; d++)
            {
                int idx = l * dirs + d;
                var ht = h.Narrow(0, idx, 1).Reshape(batch, hidden).Contiguous();
                var ct = c.Narrow(0, idx, 1).Reshape(batch, hidden).Contiguous();
                var hs = new Tensor[steps];
                for (int s = 0; s < steps; s++)
                {
                    int t = d == 0 ? s : steps - 1 - s;
                    var xt = layerInput.Narrow(0, t, 1).Reshape(batch, layerInput.Shape[2]).Contiguous();
                    var gates = _inputGemms[idx].Call(xt) + _hiddenGemms[idx].Call(ht);
                    (ht, ct) = Functional.LstmCell(gates, ct);
                    ht = ht.Contiguous();
                    hs[t] = ht;
                }
                outputs[d] = steps == 0 ? Tensor.Zeros(new Shape(0, batch, hidden)) : Tensor.Stack(hs, 0);
                hn[idx] = ht;
                cn[idx] = ct;
            }
            layerInput = dirs == 1 ? outputs[0] : Tensor.Cat(outputs, 2);
        }
        var output = unbatched ? layerInput.Squeeze(1) : BatchFirst ? layerInput.Transpose(0, 1) : layerInput;
        var hN = Tensor.Stack(hn, 0);
        var cN = Tensor.Stack(cn, 0);
        return unbatched ? (output, hN.Squeeze(1), cN.Squeeze(1)) : (output, hN, cN);
    }

    private Tensor State(Tensor? given, string name, Shape shape, bool unbatched)
    {
        if (given is null) return Tensor.Zeros(shape);
        var s = unbatched && given.Rank == 2 ? given.Unsqueeze(1) : given;
        if (s.Shape != shape)
            throw new ArgumentException($"{TypeName}: {name} must have shape {(unbatched ? new Shape(shape[0], shape[2]) : shape)}, got {given.Shape}.");
        return s.To(DType.Float32);
    }

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = $"{Repr.Int(InputSize)}, {Repr.Int(HiddenSize)}";
        if (NumLayers != 1) s += $", num_layers={Repr.Int(NumLayers)}";
        if (!HasBias) s += ", bias=False";
        if (BatchFirst) s += ", batch_first=True";
        if (Bidirectional) s += ", bidirectional=True";
        return s + $", dtype=torch.qint8, qscheme=torch.{(PerChannel ? "per_channel_symmetric" : "per_tensor_symmetric")}, reduce_range={(ReduceRange ? "True" : "False")}";
    }
}
