namespace Descent.Tensors;

/// <summary>Deterministic creation ops: zeros, ones, full, arange, linspace, eye, from arrays.</summary>
public sealed partial class Tensor
{
    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(Shape shape, DType dtype = DType.Float32) => Empty(shape, dtype, zeroed: true);

    /// <summary>A tensor of zeros (shape as sizes).</summary>
    public static Tensor Zeros(params int[] shape) => Zeros(new Shape(shape));

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(Shape shape, DType dtype = DType.Float32) => Full(shape, 1.0, dtype);

    /// <summary>A tensor of ones (shape as sizes).</summary>
    public static Tensor Ones(params int[] shape) => Ones(new Shape(shape));

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(Shape shape, double value, DType dtype = DType.Float32)
    {
        var t = Empty(shape, dtype);
        t.FillInPlace(value);
        return t;
    }

    /// <summary>A scalar (0-d) tensor.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full(Shape.Scalar, value, dtype);

    /// <summary>Zeros with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like) => Zeros(like.Shape, like.DType);

    /// <summary>Ones with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor OnesLike(Tensor like) => Ones(like.Shape, like.DType);

    /// <summary>A constant with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor FullLike(Tensor like, double value) => Full(like.Shape, value, like.DType);

    /// <summary>Values start, start+step, … below end (PyTorch's arange: length ⌈(end−start)/step⌉).</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Float32)
    {
        if (step == 0 || double.IsNaN(step))
            throw new ArgumentOutOfRangeException(nameof(step), step, "arange: step must be non-zero.");
        if ((end - start) / step < 0)
            throw new ArgumentException($"arange: upper bound {end} and lower bound {start} inconsistent with step sign {step}.");
        int n = (int)Math.Ceiling((end - start) / step);
        var t = Empty(new Shape(n), dtype);
        for (int i = 0; i < n; i++) t.SetDouble(i, start + i * step);
        return t;
    }

    /// <summary>Values 0, 1, …, end−1.</summary>
    public static Tensor Arange(double end, DType dtype = DType.Float32) => Arange(0, end, 1, dtype);

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive (PyTorch's symmetric formula).</summary>
    public static Tensor Linspace(double start, double end, int steps, DType dtype = DType.Float32)
    {
        if (steps < 0)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "linspace: number of steps must be non-negative.");
        var t = Empty(new Shape(steps), dtype);
        if (steps == 1) { t.SetDouble(0, start); return t; }
        double step = (end - start) / (steps - 1);
        int half = steps / 2;
        // PyTorch fills the first half from start and the second from end, so both endpoints are exact.
        for (int i = 0; i < steps; i++)
            t.SetDouble(i, i < half ? start + step * i : end - step * (steps - i - 1));
        return t;
    }

    /// <summary>An n×m matrix with ones on the diagonal.</summary>
    public static Tensor Eye(int n, int? m = null, DType dtype = DType.Float32)
    {
        int cols = m ?? n;
        var t = Zeros(new Shape(n, cols), dtype);
        for (int i = 0; i < Math.Min(n, cols); i++) t.SetDouble(i * cols + i, 1);
        return t;
    }

    /// <summary>A float32 tensor from flat data and a shape (the data is copied).</summary>
    public static Tensor FromArray(float[] data, params int[] shape) => FromSpan<float>(data, shape);

    /// <summary>A float64 tensor from flat data and a shape (the data is copied).</summary>
    public static Tensor FromArray(double[] data, params int[] shape) => FromSpan<double>(data, shape);

    /// <summary>An int64 tensor from flat data and a shape (the data is copied).</summary>
    public static Tensor FromArray(long[] data, params int[] shape) => FromSpan<long>(data, shape);

    /// <summary>A bool tensor from flat data and a shape (the data is copied).</summary>
    public static Tensor FromArray(bool[] data, params int[] shape) => FromSpan<bool>(data, shape);

    /// <summary>
    /// A tensor from a rectangular array of any rank (e.g. <c>float[,]</c>, <c>double[,,]</c>, <c>long[]</c>);
    /// the shape is the array's dimensions and the dtype follows the element type.
    /// </summary>
    public static Tensor FromArray(Array data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var shape = new int[data.Rank];
        for (int d = 0; d < data.Rank; d++) shape[d] = data.GetLength(d);
        return data switch
        {
            _ when data.GetType().GetElementType() == typeof(float) => CopyRectangular<float>(data, shape),
            _ when data.GetType().GetElementType() == typeof(double) => CopyRectangular<double>(data, shape),
            _ when data.GetType().GetElementType() == typeof(long) => CopyRectangular<long>(data, shape),
            _ when data.GetType().GetElementType() == typeof(int) => FromArray(Flatten<int>(data).Select(v => (long)v).ToArray(), shape),
            _ when data.GetType().GetElementType() == typeof(bool) => CopyRectangular<bool>(data, shape),
            _ => throw new ArgumentException($"FromArray: element type {data.GetType().GetElementType()?.Name} is not supported (float, double, long, int, bool)."),
        };
    }

    /// <summary>A tensor over a copy of <paramref name="data"/> with <paramref name="shape"/>.</summary>
    public static Tensor FromSpan<T>(ReadOnlySpan<T> data, params int[] shape) where T : unmanaged
    {
        var s = new Shape(shape.Length == 0 && data.Length != 1 ? [data.Length] : shape);
        if (s.Numel != data.Length)
            throw new ArgumentException($"FromArray: {data.Length} values do not fill shape {s} ({s.Numel} elements).");
        var t = Empty(s, DTypeExtensions.Of<T>());
        data.CopyTo(t.Span<T>());
        return t;
    }

    private static Tensor CopyRectangular<T>(Array data, int[] shape) where T : unmanaged =>
        FromSpan<T>(Flatten<T>(data), shape);

    private static T[] Flatten<T>(Array data)
    {
        var flat = new T[data.Length];
        int i = 0;
        foreach (T v in data) flat[i++] = v;
        return flat;
    }

    /// <summary>Sets element <paramref name="flatIndex"/> from a double (converted to the dtype).</summary>
    public void SetDouble(int flatIndex, double value)
    {
        switch (DType)
        {
            case DType.Float32: Span<float>()[flatIndex] = (float)value; break;
            case DType.Float64: Span<double>()[flatIndex] = value; break;
            case DType.Int64: Span<long>()[flatIndex] = (long)value; break;
            case DType.Bool: Span<bool>()[flatIndex] = value != 0; break;
            case DType.Int8: Span<sbyte>()[flatIndex] = checked((sbyte)value); break;
            case DType.UInt8: Span<byte>()[flatIndex] = checked((byte)value); break;
        }
    }

    /// <summary>Fills every element with <paramref name="value"/>, in place (not recorded by autograd).</summary>
    public Tensor FillInPlace(double value)
    {
        switch (DType)
        {
            case DType.Float32: Span<float>().Fill((float)value); break;
            case DType.Float64: Span<double>().Fill(value); break;
            case DType.Int64: Span<long>().Fill((long)value); break;
            case DType.Bool: Span<bool>().Fill(value != 0); break;
            case DType.Int8: Span<sbyte>().Fill(checked((sbyte)value)); break;
            case DType.UInt8: Span<byte>().Fill(checked((byte)value)); break;
        }
        return this;
    }

    /// <summary>Sets every element to zero, in place.</summary>
    public Tensor ZeroInPlace() => FillInPlace(0);
}
