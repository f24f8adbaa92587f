using Descent.Tensors;

namespace Descent.Interop.Onnx;

/// <summary>LSTM gate blocks: ONNX stacks them i, o, f, c; PyTorch i, f, g (= c), o (onnx/docs/Operators.md#LSTM, torch.nn.LSTM).</summary>
internal static class OnnxGates
{
    /// <summary>ONNX [i, o, f, c] rows → PyTorch [i, f, g, o].</summary>
    public static Tensor ToTorch(Tensor onnx, int hidden) => Reorder(onnx, hidden, [0, 2, 3, 1]);

    /// <summary>PyTorch [i, f, g, o] rows → ONNX [i, o, f, c].</summary>
    public static Tensor ToOnnx(Tensor torch, int hidden) => Reorder(torch, hidden, [0, 3, 1, 2]);

    private static Tensor Reorder(Tensor t, int hidden, int[] blocks) =>
        Tensor.Cat([.. blocks.Select(k => t.Narrow(0, k * hidden, hidden))], 0);
}
