using System.Globalization;
using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// Multi-layer (optionally bidirectional) LSTM (PyTorch's <c>nn.LSTM</c>). Parameters per layer l and direction
/// (suffix "_reverse"): weight_ih_l{l} [4H, in], weight_hh_l{l} [4H, H], bias_ih_l{l}, bias_hh_l{l} [4H], gate rows
/// in the order i, f, g, o, all initialised U(±1/√H). Inputs are [T, B, in] ([B, T, in] with batchFirst, or
/// unbatched [T, in]); states are [layers·directions, B, H] even with batchFirst. The input projection of a whole
/// sequence is one GEMM; each step adds h·W_hhᵀ and runs the fused cell.
/// </summary>
public sealed class LSTM : Module
{
    private readonly Tensor[][] _weights; // [layer·directions + direction] → w_ih, w_hh, b_ih?, b_hh?

    /// <summary>Creates the LSTM; <paramref name="dropout"/> applies between layers in training.</summary>
    public LSTM(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false,
        double dropout = 0, bool bidirectional = false, DType dtype = DType.Float32, Generator? generator = null)
    {
        if (inputSize < 1) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "LSTM: input_size must be positive.");
        if (hiddenSize < 1) throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, "LSTM: hidden_size must be positive.");
        if (numLayers < 1) throw new ArgumentOutOfRangeException(nameof(numLayers), numLayers, "LSTM: num_layers must be at least 1.");
        if (!(dropout >= 0 && dropout <= 1)) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "LSTM: dropout must be in [0, 1].");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        BatchFirst = batchFirst;
        Dropout = dropout;
        Bidirectional = bidirectional;
        int dirs = bidirectional ? 2 : 1;
        _weights = new Tensor[numLayers * dirs][];
        double bound = 1 / Math.Sqrt(hiddenSize);
        for (int l = 0; l < numLayers; l++)
            for (int d = 0; d < dirs; d++)
            {
                string suffix = string.Create(CultureInfo.InvariantCulture, $"_l{l}{(d == 1 ? "_reverse" : "")}");
                int layerInput = l == 0 ? inputSize : hiddenSize * dirs;
                var list = new List<Tensor>
                {
                    RegisterParameter("weight_ih" + suffix, Tensor.Zeros(new Shape(4 * hiddenSize, layerInput), dtype)),
                    RegisterParameter("weight_hh" + suffix, Tensor.Zeros(new Shape(4 * hiddenSize, hiddenSize), dtype)),
                };
                if (bias)
                {
                    list.Add(RegisterParameter("bias_ih" + suffix, Tensor.Zeros(new Shape(4 * hiddenSize), dtype)));
                    list.Add(RegisterParameter("bias_hh" + suffix, Tensor.Zeros(new Shape(4 * hiddenSize), dtype)));
                }
                _weights[l * dirs + d] = [.. list];
            }
        foreach (var p in Parameters()) Init.Uniform(p, -bound, bound, generator);
        Generator = generator;
    }

    /// <summary>Features per input step.</summary>
    public int InputSize { get; }

    /// <summary>Hidden state size H.</summary>
    public int HiddenSize { get; }

    /// <summary>Stacked layers.</summary>
    public int NumLayers { get; }

    /// <summary>Inputs and outputs are [B, T, ·] instead of [T, B, ·].</summary>
    public bool BatchFirst { get; }

    /// <summary>Dropout probability on the outputs of every layer but the last (training only).</summary>
    public double Dropout { get; }

    /// <summary>True for a forward and a reverse direction per layer.</summary>
    public bool Bidirectional { get; }

    /// <summary>Random source of inter-layer dropout.</summary>
    public Generator? Generator { get; }

    /// <summary>Runs the sequence from zero states and returns the output sequence only.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null, null).Output;

    /// <summary>
    /// Runs the sequence from initial states <paramref name="h0"/>, <paramref name="c0"/> (zeros when null).
    /// Returns the last layer's hidden state at every step and the final hidden and cell states of every layer and direction.
    /// </summary>
    public (Tensor Output, Tensor HN, Tensor CN) Forward(Tensor input, Tensor? h0, Tensor? c0)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.RequireFloat("LSTM");
        if (input.Rank is not (2 or 3))
            throw new ArgumentException($"LSTM: expected input [T, B, {InputSize}] (or [B, T, {InputSize}] with batch_first, or unbatched [T, {InputSize}]), got {input.Shape}.");
        bool unbatched = input.Rank == 2;
        var x = unbatched ? input.Unsqueeze(1) : BatchFirst ? input.Transpose(0, 1) : input;
        if (x.Shape[2] != InputSize)
            throw new ArgumentException($"LSTM: input has {x.Shape[2]} features, expected input_size {InputSize} (input {input.Shape}).");
        int steps = x.Shape[0], batch = x.Shape[1], dirs = Bidirectional ? 2 : 1, hidden = HiddenSize;
        var stateShape = new Shape(NumLayers * dirs, batch, hidden);
        var h = State(h0, "h_0", stateShape, unbatched, x.DType);
        var c = State(c0, "c_0", stateShape, unbatched, x.DType);

        var hn = new Tensor[NumLayers * dirs];
        var cn = new Tensor[NumLayers * dirs];
        var layerInput = x;
        for (int l = 0; l < NumLayers; l++)
        {
            var outputs = new Tensor[dirs];
            for (int d = 0; d < dirs; d++)
            {
                int idx = l * dirs + d;
                var w = _weights[idx];
                Tensor? bih = w.Length > 2 ? w[2] : null, bhh = w.Length > 2 ? w[3] : null;
                var gx = Tensor.Linear(layerInput, w[0], bih);
                var ht = h.Narrow(0, idx, 1).Reshape(batch, hidden);
                var ct = c.Narrow(0, idx, 1).Reshape(batch, hidden);
                var hs = new Tensor[steps];
                for (int s = 0; s < steps; s++)
                {
                    int t = d == 0 ? s : steps - 1 - s;
                    var gates = gx.Narrow(0, t, 1).Reshape(batch, 4 * hidden) + Tensor.Linear(ht, w[1], bhh);
                    (ht, ct) = Functional.LstmCell(gates, ct);
                    hs[t] = ht;
                }
                outputs[d] = steps == 0 ? Tensor.Zeros(new Shape(0, batch, hidden), x.DType) : Tensor.Stack(hs, 0);
                hn[idx] = ht;
                cn[idx] = ct;
            }
            layerInput = dirs == 1 ? outputs[0] : Tensor.Cat(outputs, 2);
            if (Dropout > 0 && Training && l < NumLayers - 1)
                layerInput = Tensor.Dropout(layerInput, Dropout, training: true, Generator);
        }
        var output = unbatched ? layerInput.Squeeze(1) : BatchFirst ? layerInput.Transpose(0, 1) : layerInput;
        var hN = Tensor.Stack(hn, 0);
        var cN = Tensor.Stack(cn, 0);
        return unbatched ? (output, hN.Squeeze(1), cN.Squeeze(1)) : (output, hN, cN);
    }

    private static Tensor State(Tensor? given, string name, Shape shape, bool unbatched, DType dtype)
    {
        if (given is null) return Tensor.Zeros(shape, dtype);
        var s = unbatched && given.Rank == 2 ? given.Unsqueeze(1) : given;
        if (s.Shape != shape)
            throw new ArgumentException($"LSTM: {name} must have shape {(unbatched ? new Shape(shape[0], shape[2]) : shape)}, got {given.Shape}.");
        if (s.DType != dtype)
            throw new ArgumentException($"LSTM: {name} is {s.DType.TorchName()} but the input is {dtype.TorchName()}.");
        return s;
    }

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = $"{Repr.Int(InputSize)}, {Repr.Int(HiddenSize)}";
        if (NumLayers != 1) s += $", num_layers={Repr.Int(NumLayers)}";
        if (_weights[0].Length == 2) s += ", bias=False";
        if (BatchFirst) s += ", batch_first=True";
        if (Dropout != 0) s += $", dropout={Repr.Float(Dropout)}";
        if (Bidirectional) s += ", bidirectional=True";
        return s;
    }
}
