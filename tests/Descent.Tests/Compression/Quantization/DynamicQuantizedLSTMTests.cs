using Descent.Compression.Quantization;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Tests.Compression.Quantization;

/// <summary>
/// DynamicQuantizedLSTM: each step is the dynamic-quantized definition (x_t and h quantized per step from their own
/// min/max, int8 weights) followed by the float LSTM cell; one step stays within the quantization error bound of the
/// float LSTM; shapes and states follow LSTM; the int8 state dict round-trips; QuantizeDynamic converts LSTMs.
/// </summary>
public class DynamicQuantizedLSTMTests
{
    /// <summary>One dynamic-quantized GEMM row by row in float64 from the layer's own buffers: ((Σ (q_x − z_x)(q_w − z_w))·s_x)·s_w + b.</summary>
    private static double[] QuantizedGemm(DynamicQuantizedLinear q, float[] x, int rows)
    {
        int quantMax = q.ReduceRange ? 127 : 255, k = q.InFeatures, n = q.OutFeatures;
        var (sx, zx) = QParamsMath.Calculate(x.Min(), x.Max(), symmetric: false, QuantizedType.QUInt8, 0, quantMax);
        var qx = QuantizedTensor.Quantize(Tensor.FromArray(x, x.Length), QuantParams.PerTensor(sx, zx, QuantizedType.QUInt8, 0, quantMax)).IntRepr.ToDoubleArray();
        var w = q.Weight.ToDoubleArray();
        var sw = q.WeightScale.ToDoubleArray();
        var b = q.Bias!.ToDoubleArray();
        var y = new double[rows * n];
        for (int i = 0; i < rows; i++)
            for (int o = 0; o < n; o++)
            {
                double acc = 0;
                for (int p = 0; p < k; p++) acc += (qx[i * k + p] - zx) * w[o * k + p];
                y[i * n + o] = acc * (float)sx * sw[sw.Length == 1 ? 0 : o] + b[o];
            }
        return y;
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    /// <summary>The LSTM cell on gates [B, 4H] (i, f, g, o) in float64.</summary>
    private static (double[] H, double[] C) Cell(double[] gates, float[] c, int batch, int hidden)
    {
        var h2 = new double[batch * hidden];
        var c2 = new double[batch * hidden];
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < hidden; j++)
            {
                int g0 = b * 4 * hidden;
                double i = Sigmoid(gates[g0 + j]), f = Sigmoid(gates[g0 + hidden + j]), g = Math.Tanh(gates[g0 + 2 * hidden + j]), o = Sigmoid(gates[g0 + 3 * hidden + j]);
                c2[b * hidden + j] = f * c[b * hidden + j] + i * g;
                h2[b * hidden + j] = o * Math.Tanh(c2[b * hidden + j]);
            }
        return (h2, c2);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public void EachStepIsTheQuantizedDefinition(bool perChannel, bool reduceRange)
    {
        var g = new Generator(3);
        int input = 13, hidden = 9, batch = 4, steps = 5;
        var lstm = new LSTM(input, hidden, generator: g);
        var q = DynamicQuantizedLSTM.FromFloat(lstm, perChannel, reduceRange);
        var ih = (DynamicQuantizedLinear)q.GetSubmodule("ih_l0");
        var hh = (DynamicQuantizedLinear)q.GetSubmodule("hh_l0");
        Assert.Equal(DType.Int8, ih.Weight.DType);
        Assert.Equal(perChannel ? 4 * hidden : 1, hh.WeightScale.Numel);
        var x = Tensor.Randn(new Shape(steps, batch, input), generator: g);
        var h = Tensor.Randn(new Shape(1, batch, hidden), generator: g);
        var c = Tensor.Randn(new Shape(1, batch, hidden), generator: g);
        var (whole, hN, cN) = q.Forward(x, h, c);
        for (int t = 0; t < steps; t++)
        {
            var xt = x.Narrow(0, t, 1);
            var gates = QuantizedGemm(ih, xt.ToFloatArray(), batch).Zip(QuantizedGemm(hh, h.ToFloatArray(), batch), (a, b) => a + b).ToArray();
            var (hRef, cRef) = Cell(gates, c.ToFloatArray(), batch, hidden);
            var (step, h1, c1) = q.Forward(xt, h, c);
            var hStep = h1.ToDoubleArray();
            for (int i = 0; i < hRef.Length; i++)
            {
                Assert.Equal(hRef[i], hStep[i], 4);
                Assert.Equal(cRef[i], c1.ToDoubleArray()[i], 4);
            }
            Assert.Equal(step.ToFloatArray(), whole.Narrow(0, t, 1).ToFloatArray());
            (h, c) = (h1, c1);
        }
        Assert.Equal(h.ToFloatArray(), hN.ToFloatArray());
        Assert.Equal(c.ToFloatArray(), cN.ToFloatArray());
    }

    /// <summary>
    /// One step against the float LSTM: every quantized operand is within half its scale, so a gate is off by at most
    /// Σ_k (|w_k|·s_x/2 + |x_k|·s_w/2 + s_x·s_w/4) per GEMM; sigmoid is 1/4-Lipschitz and tanh 1-Lipschitz, so
    /// |Δc| ≤ |c|·δf/4 + δi/4 + δg and |Δh| ≤ δo/4 + |Δc|.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OneStepIsWithinTheQuantizationErrorBoundOfTheFloatLstm(bool perChannel)
    {
        var g = new Generator(7);
        int input = 20, hidden = 8, batch = 3;
        var lstm = new LSTM(input, hidden, generator: g);
        var q = DynamicQuantizedLSTM.FromFloat(lstm, perChannel);
        var x = Tensor.Randn(new Shape(1, batch, input), generator: g);
        var h0 = Tensor.Randn(new Shape(1, batch, hidden), generator: g);
        var c0 = Tensor.Randn(new Shape(1, batch, hidden), generator: g);
        var (_, hf, cf) = lstm.Forward(x, h0, c0);
        var (_, hq, cq) = q.Forward(x, h0, c0);
        var gateBound = new double[batch * 4 * hidden];
        foreach (var (name, operand) in new[] { ("ih_l0", x.ToFloatArray()), ("hh_l0", h0.ToFloatArray()) })
        {
            var layer = (DynamicQuantizedLinear)q.GetSubmodule(name);
            var weight = lstm.NamedParameters().Single(p => p.Name == (name == "ih_l0" ? "weight_ih_l0" : "weight_hh_l0")).Parameter.ToFloatArray();
            var (sx, _) = QParamsMath.Calculate(operand.Min(), operand.Max(), symmetric: false, QuantizedType.QUInt8, 0, 127);
            var sw = layer.WeightScale.ToDoubleArray();
            int k = layer.InFeatures;
            for (int b = 0; b < batch; b++)
                for (int o = 0; o < 4 * hidden; o++)
                {
                    double s = sw[sw.Length == 1 ? 0 : o];
                    for (int p = 0; p < k; p++)
                        gateBound[b * 4 * hidden + o] += Math.Abs(weight[o * k + p]) * sx / 2 + Math.Abs(operand[b * k + p]) * s / 2 + sx * s / 4;
                }
        }
        var c = c0.ToFloatArray();
        double[] hF = hf.ToDoubleArray(), hQ = hq.ToDoubleArray(), cF = cf.ToDoubleArray(), cQ = cq.ToDoubleArray();
        double largest = 0;
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < hidden; j++)
            {
                int g0 = b * 4 * hidden, e = b * hidden + j;
                double di = gateBound[g0 + j], df = gateBound[g0 + hidden + j], dg = gateBound[g0 + 2 * hidden + j], dO = gateBound[g0 + 3 * hidden + j];
                double dc = Math.Abs(c[e]) * df / 4 + di / 4 + dg + 1e-6;
                Assert.InRange(Math.Abs(cQ[e] - cF[e]), 0, dc);
                Assert.InRange(Math.Abs(hQ[e] - hF[e]), 0, dO / 4 + dc);
                largest = Math.Max(largest, Math.Abs(hQ[e] - hF[e]));
            }
        Assert.True(largest > 0, "int8 weights should change the output somewhere");
    }

    [Fact]
    public void StackedBidirectionalBatchFirstFollowsTheFloatLstm()
    {
        var g = new Generator(11);
        var lstm = new LSTM(6, 5, numLayers: 2, batchFirst: true, bidirectional: true, generator: g);
        var q = (DynamicQuantizedLSTM)Quantizer.QuantizeDynamic(new Sequential(lstm)).Model.GetSubmodule("0");
        var x = Tensor.Randn(new Shape(3, 7, 6), generator: g);
        var (yf, hf, cf) = lstm.Forward(x, null, null);
        var (yq, hq, cq) = q.Forward(x, null, null);
        Assert.Equal(yf.Shape, yq.Shape);
        Assert.Equal(hf.Shape, hq.Shape);
        Assert.Equal(cf.Shape, cq.Shape);
        var diff = yf.ToFloatArray().Zip(yq.ToFloatArray(), (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(diff, 1e-7f, 0.05f);
        var unbatched = q.Forward(x.Narrow(0, 1, 1).Squeeze(0));
        Assert.Equal(new Shape(7, 10), unbatched.Shape);
    }

    [Fact]
    public void TheInt8StateDictRoundTrips()
    {
        var g = new Generator(5);
        var q = DynamicQuantizedLSTM.FromFloat(new LSTM(4, 3, numLayers: 2, bidirectional: true, generator: g), perChannel: true);
        var state = q.StateDict();
        Assert.Contains("ih_l1_reverse.weight", state.Keys);
        Assert.Equal(DType.Int8, state["hh_l0.weight"].DType);
        var loaded = new DynamicQuantizedLSTM(4, 3, numLayers: 2, bidirectional: true, perChannel: true);
        loaded.LoadStateDict(state);
        var x = Tensor.Randn(new Shape(5, 2, 4), generator: g);
        Assert.Equal(q.Call(x).ToFloatArray(), loaded.Call(x).ToFloatArray());
        Assert.Contains("input_size 4", Assert.Throws<ArgumentException>(() => q.Call(Tensor.Randn(new Shape(5, 2, 3)))).Message);
    }
}
