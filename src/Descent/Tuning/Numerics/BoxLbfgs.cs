namespace Descent.Tuning;

/// <summary>An objective for <see cref="BoxLbfgs"/>: returns f(x) and writes ∇f(x) into <c>gradient</c>.</summary>
internal delegate double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>
/// Limited-memory BFGS (Nocedal &amp; Wright, Numerical Optimization, 2nd ed., Alg. 7.4–7.5) for box
/// constraints by projection: the search direction is the two-loop recursion applied to the projected
/// gradient with the variables held at a bound removed, and the line search backtracks along the
/// projected path P(x + α·d) until the Armijo condition holds (a simplified L-BFGS-B: no Cauchy point,
/// which is enough for the smooth, low-dimensional problems of the GP sampler). Deterministic.
/// The algorithm is written as an iterator (<see cref="Iterate"/>) that yields each point whose value and gradient it
/// needs, so callers that cannot be called back — an ask/tell optimizer whose evaluations belong to someone else, such
/// as the local polish of <see cref="SimulatedAnnealing"/> — drive it the same way <see cref="Minimize"/> does.
/// </summary>
internal static class BoxLbfgs
{
    /// <summary>Result of a minimization.</summary>
    public readonly record struct Result(double Value, int Iterations, bool Converged);

    /// <summary>
    /// Minimizes <paramref name="f"/> from <paramref name="x"/> (updated in place, projected into the box
    /// first). Stops when the largest projected-gradient component is below <paramref name="gtol"/>, the
    /// relative decrease stalls, or after <paramref name="maxIterations"/> iterations.
    /// </summary>
    public static Result Minimize(ValueAndGradient f, Span<double> x, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper,
        int maxIterations = 200, double gtol = 1e-5, int memory = 10)
    {
        var outcome = new Outcome();
        foreach (var request in Iterate(x.ToArray(), lower.ToArray(), upper.ToArray(), outcome, maxIterations, gtol, memory))
            request.Value = f(request.Point, request.Gradient);
        outcome.Point.CopyTo(x);
        return outcome.Result;
    }

    /// <summary>A point whose value and gradient <see cref="Iterate"/> needs: the caller writes <see cref="Value"/> and <see cref="Gradient"/> before moving on.</summary>
    public sealed class Request(int n)
    {
        /// <summary>Where to evaluate (do not change).</summary>
        public double[] Point { get; } = new double[n];

        /// <summary>∇f at <see cref="Point"/>, written by the caller.</summary>
        public double[] Gradient { get; } = new double[n];

        /// <summary>f at <see cref="Point"/>, written by the caller.</summary>
        public double Value { get; set; }
    }

    /// <summary>Where <see cref="Iterate"/> ended: the best point and its <see cref="Result"/>.</summary>
    public sealed class Outcome
    {
        /// <summary>The final point.</summary>
        public double[] Point { get; internal set; } = [];

        /// <summary>Value, iterations and convergence.</summary>
        public Result Result { get; internal set; }
    }

    /// <summary>
    /// The minimization of <see cref="Minimize"/> as an iterator: each yielded <see cref="Request"/> must be evaluated
    /// (value and gradient) before the next step; when the iteration ends, <paramref name="outcome"/> holds the result.
    /// <paramref name="start"/> is not changed.
    /// </summary>
    public static IEnumerable<Request> Iterate(double[] start, double[] lower, double[] upper, Outcome outcome,
        int maxIterations = 200, double gtol = 1e-5, int memory = 10)
    {
        int n = start.Length;
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Math.Clamp(start[i], lower[i], upper[i]);
        var g = new double[n];
        var gNew = new double[n];
        var xNew = new double[n];
        var d = new double[n];
        var pg = new double[n];
        var s = new double[memory][];
        var y = new double[memory][];
        var rho = new double[memory];
        var alphaBuf = new double[memory];
        for (int k = 0; k < memory; k++) { s[k] = new double[n]; y[k] = new double[n]; }
        int stored = 0, head = 0;
        var request = new Request(n);
        outcome.Point = x;

        x.CopyTo(request.Point, 0);
        yield return request;
        double fx = request.Value;
        request.Gradient.CopyTo(g, 0);
        if (!double.IsFinite(fx))
        {
            outcome.Result = new Result(fx, 0, false);
            yield break;
        }
        int iter = 0;
        for (; iter < maxIterations; iter++)
        {
            double pgMax = ProjectedGradient(x, g, lower, upper, pg);
            if (pgMax < gtol)
            {
                outcome.Result = new Result(fx, iter, true);
                yield break;
            }
            // Two-loop recursion on the projected gradient (newest pair first).
            pg.CopyTo(d, 0);
            for (int k = 0; k < stored; k++)
            {
                int idx = (head - 1 - k + memory) % memory;
                double a = rho[idx] * Dot(s[idx], d);
                alphaBuf[idx] = a;
                Axpy(-a, y[idx], d);
            }
            if (stored > 0)
            {
                int last = (head - 1 + memory) % memory;
                double gamma = Dot(s[last], y[last]) / Dot(y[last], y[last]);
                for (int i = 0; i < n; i++) d[i] *= gamma;
            }
            for (int k = stored - 1; k >= 0; k--)
            {
                int idx = (head - 1 - k + memory) % memory;
                double b = rho[idx] * Dot(y[idx], d);
                Axpy(alphaBuf[idx] - b, s[idx], d);
            }
            for (int i = 0; i < n; i++)
            {
                d[i] = -d[i];
                if (pg[i] == 0) d[i] = 0; // held at a bound
            }
            double slope = Dot(d, pg);
            if (!(slope < 0))
            {
                // The quasi-Newton model is not a descent direction here: fall back to steepest descent.
                stored = 0;
                for (int i = 0; i < n; i++) d[i] = -pg[i];
                slope = Dot(d, pg);
            }
            double step = stored == 0 ? Math.Min(1.0, 1.0 / Math.Sqrt(Dot(pg, pg))) : 1.0;

            double fNew = double.NaN;
            bool accepted = false;
            for (int ls = 0; ls < 30; ls++)
            {
                for (int i = 0; i < n; i++) xNew[i] = Math.Clamp(x[i] + step * d[i], lower[i], upper[i]);
                xNew.CopyTo(request.Point, 0);
                yield return request;
                fNew = request.Value;
                request.Gradient.CopyTo(gNew, 0);
                double decrease = 0;
                for (int i = 0; i < n; i++) decrease += g[i] * (xNew[i] - x[i]);
                if (double.IsFinite(fNew) && fNew <= fx + 1e-4 * decrease) { accepted = true; break; }
                step *= 0.5;
            }
            if (!accepted)
            {
                outcome.Result = new Result(fx, iter, false);
                yield break;
            }

            var sk = s[head];
            var yk = y[head];
            double sy = 0, yy = 0;
            for (int i = 0; i < n; i++)
            {
                sk[i] = xNew[i] - x[i];
                yk[i] = gNew[i] - g[i];
                sy += sk[i] * yk[i];
                yy += yk[i] * yk[i];
            }
            // Keep the pair only under the curvature condition, so the inverse Hessian stays positive definite.
            if (sy > 1e-10 * yy)
            {
                rho[head] = 1 / sy;
                head = (head + 1) % memory;
                stored = Math.Min(stored + 1, memory);
            }
            double previous = fx;
            xNew.CopyTo(x, 0);
            gNew.CopyTo(g, 0);
            fx = fNew;
            if (previous - fx <= 1e-12 * Math.Max(1.0, Math.Abs(fx)))
            {
                outcome.Result = new Result(fx, iter + 1, ProjectedGradient(x, g, lower, upper, pg) < gtol * 10);
                yield break;
            }
        }
        outcome.Result = new Result(fx, iter, false);
    }


    // Gradient with the components that point out of the box at an active bound zeroed; returns its max norm.
    private static double ProjectedGradient(double[] x, double[] g, double[] lower, double[] upper, double[] pg)
    {
        double max = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double v = g[i];
            if ((x[i] <= lower[i] && v > 0) || (x[i] >= upper[i] && v < 0)) v = 0;
            pg[i] = v;
            max = Math.Max(max, Math.Abs(v));
        }
        return max;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += a * x[i];
    }
}
