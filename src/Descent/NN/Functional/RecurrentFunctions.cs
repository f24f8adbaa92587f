using Descent.Kernels.Recurrent;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.NN;

/// <summary>The fused pointwise LSTM step.</summary>
public static partial class Functional
{
    /// <summary>
    /// One LSTM step after the matrix products: from pre-activation <paramref name="gates"/> [B, 4H] (rows
    /// [i | f | g | o], i.e. x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) and the previous cell state <paramref name="c"/> [B, H],
    /// returns h' = σ(o)·tanh(c') and c' = σ(f)·c + σ(i)·tanh(g). One autograd node.
    /// </summary>
    public static (Tensor H, Tensor C) LstmCell(Tensor gates, Tensor c)
    {
        ArgumentNullException.ThrowIfNull(gates);
        ArgumentNullException.ThrowIfNull(c);
        gates.RequireFloat("lstm_cell");
        if (c.Rank != 2 || gates.Rank != 2 || gates.Shape[0] != c.Shape[0] || gates.Shape[1] != 4 * c.Shape[1] || gates.DType != c.DType)
            throw new ArgumentException($"lstm_cell: gates {gates.DType.TorchName()} {gates.Shape} must be [B, 4H] for cell state {c.DType.TorchName()} {c.Shape} [B, H].");
        int batch = c.Shape[0], hidden = c.Shape[1];
        var activated = Tensor.Empty(gates.Shape, gates.DType);
        var tanhC = Tensor.Empty(c.Shape, c.DType);
        var both = Tensor.Empty(new Shape(2, batch, hidden), c.DType);
        int n = batch * hidden;
        if (c.DType == DType.Float32)
        {
            var o = both.Span<float>();
            LstmCellKernels.Forward<float>(gates.Span<float>(), c.Span<float>(), activated.Span<float>(), o[..n], o[n..], tanhC.Span<float>(), batch, hidden);
        }
        else
        {
            var o = both.Span<double>();
            LstmCellKernels.Forward<double>(gates.Span<double>(), c.Span<double>(), activated.Span<double>(), o[..n], o[n..], tanhC.Span<double>(), batch, hidden);
        }
        if (Tensor.NeedsGrad(gates, c)) both.GradFn = new LstmCellNode(gates, c, activated, tanhC, batch, hidden);
        return (both.Narrow(0, 0, 1).Reshape(batch, hidden), both.Narrow(0, 1, 1).Reshape(batch, hidden));
    }

    private sealed class LstmCellNode(Tensor gates, Tensor c, Tensor activated, Tensor tanhC, int batch, int hidden) : Node(gates, c)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var dGates = Tensor.Empty(gates.Shape, gates.DType);
            var dc = sink.NeedsGrad(1) ? Tensor.Empty(c.Shape, c.DType) : null;
            int n = batch * hidden;
            if (c.DType == DType.Float32)
            {
                var gs = g.Span<float>();
                LstmCellKernels.Backward<float>(activated.Span<float>(), c.Span<float>(), tanhC.Span<float>(), gs[..n], gs[n..],
                    dGates.Span<float>(), dc is null ? default : dc.Span<float>(), batch, hidden);
            }
            else
            {
                var gs = g.Span<double>();
                LstmCellKernels.Backward<double>(activated.Span<double>(), c.Span<double>(), tanhC.Span<double>(), gs[..n], gs[n..],
                    dGates.Span<double>(), dc is null ? default : dc.Span<double>(), batch, hidden);
            }
            if (sink.NeedsGrad(0)) sink.Add(0, dGates);
            if (dc is not null) sink.Add(1, dc);
        }
    }
}
