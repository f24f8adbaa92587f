using Descent.Kernels;

namespace Descent.Tensors;

/// <summary>DType dispatch and broadcasting for elementwise binary ops (forward only; ops add their nodes).</summary>
public sealed partial class Tensor
{
    /// <summary>o = a ∘ b with broadcasting and float32/float64 promotion.</summary>
    internal static Tensor BinaryForward<K32, K64>(Tensor a, Tensor b, string op)
        where K32 : struct, IBinaryKernel<float>
        where K64 : struct, IBinaryKernel<double>
    {
        a.RequireFloat(op);
        b.RequireFloat(op);
        var dtype = DTypeExtensions.Promote(a.DType, b.DType);
        if (a.DType != dtype) a = a.Detach().To(dtype);
        if (b.DType != dtype) b = b.Detach().To(dtype);
        var shape = Broadcasting.Shapes(a.Shape, b.Shape, op);
        var o = Empty(shape, dtype);
        if (dtype == DType.Float32)
            Broadcasting.Apply(a.Span<float>(), a.Shape, b.Span<float>(), b.Shape, o.Span<float>(), shape, default(K32));
        else
            Broadcasting.Apply(a.Span<double>(), a.Shape, b.Span<double>(), b.Shape, o.Span<double>(), shape, default(K64));
        return o;
    }

    /// <summary>o = a ∘ s (or s ∘ a when <paramref name="scalarFirst"/>).</summary>
    internal static Tensor ScalarForward<K32, K64>(Tensor a, double s, bool scalarFirst, string op)
        where K32 : struct, IBinaryKernel<float>
        where K64 : struct, IBinaryKernel<double>
    {
        a.RequireFloat(op);
        var o = Empty(a.Shape, a.DType);
        if (a.DType == DType.Float32)
        {
            if (scalarFirst) default(K32).SV((float)s, a.Span<float>(), o.Span<float>());
            else default(K32).VS(a.Span<float>(), (float)s, o.Span<float>());
        }
        else
        {
            if (scalarFirst) default(K64).SV(s, a.Span<double>(), o.Span<double>());
            else default(K64).VS(a.Span<double>(), s, o.Span<double>());
        }
        return o;
    }
}
