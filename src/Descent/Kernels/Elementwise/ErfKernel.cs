using System.Numerics;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt (the runtime has none). W. J. Cody's rational Chebyshev
/// approximations ("Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969)
/// 631–637; coefficients of his SPECFUN routine CALERF): |x| ≤ 0.46875: x·R₁(x²); 0.46875 &lt; |x| ≤ 4:
/// erf = 1 − e^(−x²)·R₂(|x|); |x| &gt; 4: erf = 1 − e^(−x²)/|x|·(1/√π − x⁻²·R₃(x⁻²)). Relative error about
/// 1e-16 in float64. x² is split exactly with an FMA so e^(−x²) carries no error from rounding x².
/// Float32 is evaluated in float64 and rounded once.
/// </summary>
public readonly struct ErfKernel<T> : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<T> x, Span<T> y)
    {
        if (typeof(T) == typeof(double))
            VectorLoop.Unary(Cast<double>(x), Cast<double>(y), default(ErfOp));
        else
            VectorLoop.Unary(Cast<float>(x), Cast<float>(y), default(ErfOpSingle));
    }

    /// <summary>Scalar erf in float64 (the reference both SIMD paths follow).</summary>
    public static double Scalar(double x) => ErfOp.Compute(x);

    private static Span<TTo> Cast<TTo>(Span<T> s) where TTo : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<T, TTo>(s);

    private static ReadOnlySpan<TTo> Cast<TTo>(ReadOnlySpan<T> s) where TTo : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<T, TTo>(s);
}

internal readonly struct ErfOp : IVectorUnaryOp<double>
{
    // Cody's CALERF coefficients: A/B for erf on [0, 0.46875], C/D for erfc on (0.46875, 4], P/Q for erfc beyond 4.
    private const double A0 = 3.1611237438705656, A1 = 113.864154151050156, A2 = 377.485237685302021,
        A3 = 3209.37758913846947, A4 = 0.185777706184603153;
    private const double B0 = 23.6012909523441209, B1 = 244.024637934444173, B2 = 1282.61652607737228,
        B3 = 2844.23683343917062;
    private const double C0 = 0.564188496988670089, C1 = 8.88314979438837594, C2 = 66.1191906371416295,
        C3 = 298.635138197400131, C4 = 881.95222124176909, C5 = 1712.04761263407058, C6 = 2051.07837782607147,
        C7 = 1230.33935479799725, C8 = 2.15311535474403846e-8;
    private const double D0 = 15.7449261107098347, D1 = 117.693950891312499, D2 = 537.181101862009858,
        D3 = 1621.38957456669019, D4 = 3290.79923573345963, D5 = 4362.61909014324716, D6 = 3439.36767414372164,
        D7 = 1230.33935480374942;
    private const double P0 = 0.305326634961232344, P1 = 0.360344899949804439, P2 = 0.125781726111229246,
        P3 = 0.0160837851487422766, P4 = 6.58749161529837803e-4, P5 = 0.0163153871373020978;
    private const double Q0 = 2.56852019228982242, Q1 = 1.87295284992346047, Q2 = 0.527905102951428412,
        Q3 = 0.0605183413124413191, Q4 = 0.00233520497626869185;
    private const double InvSqrtPi = 0.56418958354775628695;
    private const double Thresh = 0.46875;
    private const double XBig = 26.543;   // erfc underflows beyond it (Cody's XBIG); also keeps ∞·0 out of the FMA split

    public double Scalar(double x) => Compute(x);

    public static double Compute(double x)
    {
        double y = Math.Abs(x);
        if (y <= Thresh)
        {
            double z = y * y;
            double num = (((A4 * z + A0) * z + A1) * z + A2) * z + A3;
            double den = (((z + B0) * z + B1) * z + B2) * z + B3;
            return x * num / den;
        }
        if (double.IsNaN(x)) return x;
        if (y >= XBig) return Math.CopySign(1.0, x);
        double core;
        if (y <= 4)
        {
            double num = (((((((C8 * y + C0) * y + C1) * y + C2) * y + C3) * y + C4) * y + C5) * y + C6) * y + C7;
            double den = (((((((y + D0) * y + D1) * y + D2) * y + D3) * y + D4) * y + D5) * y + D6) * y + D7;
            core = num / den;
        }
        else
        {
            double z = 1 / (y * y);
            double num = ((((P5 * z + P0) * z + P1) * z + P2) * z + P3) * z + P4;
            double den = ((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z + Q4;
            core = (InvSqrtPi - z * num / den) / y;
        }
        // e^(−y²) with y² = hi + lo exactly: e^(−hi)·(1 − lo).
        double hi = y * y, lo = Math.FusedMultiplyAdd(y, y, -hi);
        double erfc = Math.Exp(-hi) * (1 - lo) * core;
        return Math.CopySign((0.5 - erfc) + 0.5, x);
    }

    public Vector512<double> Apply(Vector512<double> x)
    {
        var y = Vector512.Abs(x);
        var z = y * y;
        var small = x * Horner(z, A4, A0, A1, A2, A3) / Horner1(z, B0, B1, B2, B3);
        var mid = Horner(y, C8, C0, C1, C2, C3, C4, C5, C6, C7) / Horner1(y, D0, D1, D2, D3, D4, D5, D6, D7);
        var w = Vector512<double>.One / z;
        var big = (Vector512.Create(InvSqrtPi) - w * Horner(w, P5, P0, P1, P2, P3, P4) / Horner1(w, Q0, Q1, Q2, Q3, Q4)) / y;
        var core = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(y, Vector512.Create(4.0)), mid, big);
        var lo = Vector512.FusedMultiplyAdd(y, y, -z);
        var erfc = Vector512.Exp(-z) * (Vector512<double>.One - lo) * core;
        erfc = Vector512.ConditionalSelect(Vector512.LessThan(y, Vector512.Create(XBig)), erfc, Vector512<double>.Zero);
        var half = Vector512.Create(0.5);
        var large = Vector512.CopySign((half - erfc) + half, x);
        var r = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(y, Vector512.Create(Thresh)), small, large);
        return Vector512.ConditionalSelect(Vector512.IsNaN(x), x, r);
    }

    public Vector256<double> Apply(Vector256<double> x)
    {
        var y = Vector256.Abs(x);
        var z = y * y;
        var small = x * Horner(z, A4, A0, A1, A2, A3) / Horner1(z, B0, B1, B2, B3);
        var mid = Horner(y, C8, C0, C1, C2, C3, C4, C5, C6, C7) / Horner1(y, D0, D1, D2, D3, D4, D5, D6, D7);
        var w = Vector256<double>.One / z;
        var big = (Vector256.Create(InvSqrtPi) - w * Horner(w, P5, P0, P1, P2, P3, P4) / Horner1(w, Q0, Q1, Q2, Q3, Q4)) / y;
        var core = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(y, Vector256.Create(4.0)), mid, big);
        var lo = Vector256.FusedMultiplyAdd(y, y, -z);
        var erfc = Vector256.Exp(-z) * (Vector256<double>.One - lo) * core;
        erfc = Vector256.ConditionalSelect(Vector256.LessThan(y, Vector256.Create(XBig)), erfc, Vector256<double>.Zero);
        var half = Vector256.Create(0.5);
        var large = Vector256.CopySign((half - erfc) + half, x);
        var r = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(y, Vector256.Create(Thresh)), small, large);
        return Vector256.ConditionalSelect(Vector256.IsNaN(x), x, r);
    }

    // c[0]·tⁿ + c[1]·tⁿ⁻¹ + … (plain multiply-add, the same rounding as the scalar path).
    private static Vector512<double> Horner(Vector512<double> t, params ReadOnlySpan<double> c)
    {
        var acc = Vector512.Create(c[0]);
        for (int i = 1; i < c.Length; i++) acc = acc * t + Vector512.Create(c[i]);
        return acc;
    }

    // Monic: tⁿ + c[0]·tⁿ⁻¹ + … (the denominators' leading coefficient is 1).
    private static Vector512<double> Horner1(Vector512<double> t, params ReadOnlySpan<double> c)
    {
        var acc = t + Vector512.Create(c[0]);
        for (int i = 1; i < c.Length; i++) acc = acc * t + Vector512.Create(c[i]);
        return acc;
    }

    private static Vector256<double> Horner(Vector256<double> t, params ReadOnlySpan<double> c)
    {
        var acc = Vector256.Create(c[0]);
        for (int i = 1; i < c.Length; i++) acc = acc * t + Vector256.Create(c[i]);
        return acc;
    }

    private static Vector256<double> Horner1(Vector256<double> t, params ReadOnlySpan<double> c)
    {
        var acc = t + Vector256.Create(c[0]);
        for (int i = 1; i < c.Length; i++) acc = acc * t + Vector256.Create(c[i]);
        return acc;
    }
}

/// <summary>Float32 erf: widen to float64, evaluate <see cref="ErfOp"/>, round once.</summary>
internal readonly struct ErfOpSingle : IVectorUnaryOp<float>
{
    public float Scalar(float x) => (float)ErfOp.Compute(x);

    public Vector512<float> Apply(Vector512<float> x)
    {
        var (lo, hi) = Vector512.Widen(x);
        var op = default(ErfOp);
        return Vector512.Narrow(op.Apply(lo), op.Apply(hi));
    }

    public Vector256<float> Apply(Vector256<float> x)
    {
        var (lo, hi) = Vector256.Widen(x);
        var op = default(ErfOp);
        return Vector256.Narrow(op.Apply(lo), op.Apply(hi));
    }
}
