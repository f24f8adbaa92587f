using Descent.Kernels;

namespace Descent.Tensors;

/// <summary>DType dispatch for elementwise unary ops and same-shape fused backward kernels (forward only; ops add nodes).</summary>
public sealed partial class Tensor
{
    /// <summary>y = f(x) elementwise for a float32/float64 tensor; long tensors are split across threads.</summary>
    internal static Tensor UnaryForward<K32, K64>(Tensor x, string op, K32 k32 = default, K64 k64 = default)
        where K32 : struct, IUnaryKernel<float>
        where K64 : struct, IUnaryKernel<double>
    {
        x.RequireFloat(op);
        var o = Empty(x.Shape, x.DType);
        if (x.DType == DType.Float32)
        {
            var (xa, xo) = x.Raw<float>();
            ParallelElementwise.Unary(xa, xo, o.Raw<float>().Array, 0, x.Numel, k32);
        }
        else
        {
            var (xa, xo) = x.Raw<double>();
            ParallelElementwise.Unary(xa, xo, o.Raw<double>().Array, 0, x.Numel, k64);
        }
        return o;
    }

    /// <summary>o = k(a, b) for two tensors of one shape and dtype (fused backward formulas).</summary>
    internal static Tensor SameShapeBinary<K32, K64>(Tensor a, Tensor b)
        where K32 : struct, IBinaryKernel<float>
        where K64 : struct, IBinaryKernel<double>
    {
        if (b.DType != a.DType) b = b.To(a.DType);
        if (a.Shape != b.Shape)
            throw new ArgumentException($"internal elementwise kernel: shapes {a.Shape} and {b.Shape} differ.");
        var o = Empty(a.Shape, a.DType);
        if (a.DType == DType.Float32)
        {
            var (aa, ao) = a.Raw<float>();
            var (ba, bo) = b.Raw<float>();
            ParallelElementwise.Binary(aa, ao, ba, bo, o.Raw<float>().Array, 0, a.Numel, default(K32));
        }
        else
        {
            var (aa, ao) = a.Raw<double>();
            var (ba, bo) = b.Raw<double>();
            ParallelElementwise.Binary(aa, ao, ba, bo, o.Raw<double>().Array, 0, a.Numel, default(K64));
        }
        return o;
    }
}
