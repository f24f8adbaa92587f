using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// matmul with PyTorch's full semantics: 1-D·1-D (dot), 2-D·2-D, 1-D·N-D and N-D·1-D (a size-1 dim is
/// prepended/appended and removed again), and batched N-D products with broadcast batch dims. Forward and
/// backward run on <see cref="BatchedGemm"/> with transpose flags; nothing is transposed in memory, and
/// gradients of broadcast operands are accumulated straight into their own shape.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>Matrix product a @ b (float32 or float64, both the same dtype).</summary>
    public static Tensor Matmul(Tensor a, Tensor b)
    {
        var plan = new MatmulPlan(a, b);
        var o = Empty(plan.OutShape, a.DType);
        if (a.DType == DType.Float32)
            BatchedGemm.Run(false, false, plan.M, plan.N, plan.K, 1f, a.Span<float>(), plan.AStrides,
                b.Span<float>(), plan.BStrides, 0f, o.Span<float>(), plan.CStrides, plan.Batch);
        else
            BatchedGemm.Run(false, false, plan.M, plan.N, plan.K, 1d, a.Span<double>(), plan.AStrides,
                b.Span<double>(), plan.BStrides, 0d, o.Span<double>(), plan.CStrides, plan.Batch);
        if (NeedsGrad(a, b)) o.GradFn = new MatmulNode(a, b, plan);
        return o;
    }

    /// <summary>this @ other.</summary>
    public Tensor Matmul(Tensor other) => Matmul(this, other);

    /// <summary>Requires both operands to be float tensors of one dtype, naming the op and shapes otherwise.</summary>
    internal static void RequireSameFloat(string op, string operands, Tensor a, Tensor b)
    {
        a.RequireFloat(op);
        b.RequireFloat(op);
        if (a.DType != b.DType)
            throw new ArgumentException(
                $"{op}: {operands}: dtypes {a.DType.TorchName()} and {b.DType.TorchName()} differ; convert one with To().");
    }

    /// <summary>Sizes, batch shape and per-batch-dim strides of one matmul (computed once, reused by backward).</summary>
    private sealed class MatmulPlan
    {
        public MatmulPlan(Tensor a, Tensor b)
        {
            const string op = "matmul";
            string operands = $"{a.Shape} @ {b.Shape}";
            if (a.Rank == 0 || b.Rank == 0)
                throw new ArgumentException($"{op}: {operands}: both arguments need at least 1 dim.");
            RequireSameFloat(op, operands, a, b);
            M = a.Rank == 1 ? 1 : a.Shape.Dims[^2];
            K = a.Shape.Dims[^1];
            int kb = b.Rank == 1 ? b.Shape.Dims[0] : b.Shape.Dims[^2];
            N = b.Rank == 1 ? 1 : b.Shape.Dims[^1];
            if (K != kb)
                throw new ArgumentException($"{op}: {operands}: inner dims {K} != {kb}.");

            var aBatch = a.Rank > 2 ? a.Shape.Dims[..^2] : [];
            var bBatch = b.Rank > 2 ? b.Shape.Dims[..^2] : [];
            int rank = Math.Max(aBatch.Length, bBatch.Length);
            Batch = new int[rank];
            for (int i = 0; i < rank; i++)
            {
                int da = i - (rank - aBatch.Length) >= 0 ? aBatch[i - (rank - aBatch.Length)] : 1;
                int db = i - (rank - bBatch.Length) >= 0 ? bBatch[i - (rank - bBatch.Length)] : 1;
                if (da != db && da != 1 && db != 1)
                    throw new ArgumentException(
                        $"{op}: {operands}: batch dims {Shape.Format(aBatch)} and {Shape.Format(bBatch)} cannot be broadcast.");
                Batch[i] = da == 1 ? db : da;
            }
            AStrides = BatchStrides(aBatch, Batch, M * K);
            BStrides = BatchStrides(bBatch, Batch, K * N);
            CStrides = BatchStrides(Batch, Batch, M * N);

            var outDims = new int[rank + (a.Rank > 1 ? 1 : 0) + (b.Rank > 1 ? 1 : 0)];
            Batch.CopyTo(outDims, 0);
            if (a.Rank > 1) outDims[rank] = M;
            if (b.Rank > 1) outDims[^1] = N;
            OutShape = Shape.Wrap(outDims);
        }

        public int M { get; }
        public int N { get; }
        public int K { get; }
        public int[] Batch { get; }
        public int[] AStrides { get; }
        public int[] BStrides { get; }
        public int[] CStrides { get; }
        public Shape OutShape { get; }

        /// <summary>Element strides of an operand's matrices per broadcast batch dim (0 where it is broadcast).</summary>
        private static int[] BatchStrides(ReadOnlySpan<int> own, int[] batch, int matrix)
        {
            var strides = new int[batch.Length];
            int lead = batch.Length - own.Length;
            int acc = matrix;
            for (int j = own.Length - 1; j >= 0; j--)
            {
                strides[j + lead] = own[j] == 1 ? 0 : acc;
                acc *= own[j];
            }
            return strides;
        }
    }

    private sealed class MatmulNode(Tensor a, Tensor b, MatmulPlan plan) : Node(a, b)
    {
        // dA = dC·Bᵀ (transB) and dB = Aᵀ·dC (transA), summed over the batch dims each operand was broadcast on.
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var p = plan;
            if (sink.NeedsGrad(0))
            {
                var ga = Empty(a.Shape, g.DType);
                if (g.DType == DType.Float32)
                    BatchedGemm.Run(false, true, p.M, p.K, p.N, 1f, g.Span<float>(), p.CStrides,
                        b.Span<float>(), p.BStrides, 0f, ga.Span<float>(), p.AStrides, p.Batch);
                else
                    BatchedGemm.Run(false, true, p.M, p.K, p.N, 1d, g.Span<double>(), p.CStrides,
                        b.Span<double>(), p.BStrides, 0d, ga.Span<double>(), p.AStrides, p.Batch);
                sink.Add(0, ga);
            }
            if (sink.NeedsGrad(1))
            {
                var gb = Empty(b.Shape, g.DType);
                if (g.DType == DType.Float32)
                    BatchedGemm.Run(true, false, p.K, p.N, p.M, 1f, a.Span<float>(), p.AStrides,
                        g.Span<float>(), p.CStrides, 0f, gb.Span<float>(), p.BStrides, p.Batch);
                else
                    BatchedGemm.Run(true, false, p.K, p.N, p.M, 1d, a.Span<double>(), p.AStrides,
                        g.Span<double>(), p.CStrides, 0d, gb.Span<double>(), p.BStrides, p.Batch);
                sink.Add(1, gb);
            }
        }
    }
}
