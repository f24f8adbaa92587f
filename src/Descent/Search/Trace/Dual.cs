namespace Descent.Search.Trace;

/// <summary>A forward-mode dual number v + d·ε (ε² = 0): evaluating f on duals gives f(x) and its directional derivative.</summary>
internal readonly record struct Dual(double V, double D)
{
    public static Dual Constant(double v) => new(v, 0);

    public static Dual operator +(Dual a, Dual b) => new(a.V + b.V, a.D + b.D);

    public static Dual operator -(Dual a, Dual b) => new(a.V - b.V, a.D - b.D);

    public static Dual operator -(Dual a) => new(-a.V, -a.D);

    public static Dual operator *(Dual a, Dual b) => new(a.V * b.V, Scale(a.D, b.V) + Scale(b.D, a.V));

    public static Dual operator /(Dual a, Dual b) => new(a.V / b.V, (Scale(a.D, b.V) - Scale(b.D, a.V)) / (b.V * b.V));

    /// <summary>aᵇ; with a constant exponent the rule n·aⁿ⁻¹·a' is used, so x^2 is differentiable at x ≤ 0.</summary>
    public static Dual Pow(Dual a, Dual b)
    {
        double v = Math.Pow(a.V, b.V);
        if (b.D == 0)
            return new(v, a.D == 0 ? 0 : b.V == 0 ? 0 : b.V * Math.Pow(a.V, b.V - 1) * a.D);
        return new(v, v * (b.D * Math.Log(a.V) + (a.D == 0 ? 0 : b.V * a.D / a.V)));
    }

    /// <summary>f(a) with derivative f'(a)·a' (the chain rule), skipping the product when a' = 0 so 0·∞ never appears.</summary>
    public static Dual Chain(Dual a, double value, double derivative) => new(value, Scale(a.D, derivative));

    // 0 times anything (even ∞ or NaN) is 0 here: a constant's derivative must not be poisoned by the other operand.
    private static double Scale(double d, double factor) => d == 0 ? 0 : d * factor;
}
