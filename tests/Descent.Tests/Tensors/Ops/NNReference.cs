namespace Descent.Tests.Tensors.Ops;

/// <summary>
/// Straightforward reference loops written from the definitions in the PyTorch documentation (no im2col, no
/// SIMD), in double, on flat row-major arrays.
/// </summary>
internal static class NNReference
{
    /// <summary>Direct grouped cross-correlation; x [n,c,h,w], w [o,c/g,kh,kw], b [o] or null.</summary>
    public static double[] Conv2d(double[] x, int n, int c, int h, int w, double[] wt, int o, int kh, int kw, double[]? b,
        (int H, int W) s, (int H, int W) p, (int H, int W) d, int groups, out int oh, out int ow)
    {
        oh = (h + 2 * p.H - d.H * (kh - 1) - 1) / s.H + 1;
        ow = (w + 2 * p.W - d.W * (kw - 1) - 1) / s.W + 1;
        int cg = c / groups, og = o / groups;
        var y = new double[n * o * oh * ow];
        for (int ni = 0; ni < n; ni++)
            for (int oc = 0; oc < o; oc++)
            {
                int grp = oc / og;
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double acc = b?[oc] ?? 0;
                        for (int ci = 0; ci < cg; ci++)
                            for (int a = 0; a < kh; a++)
                                for (int e = 0; e < kw; e++)
                                {
                                    int ih = i * s.H - p.H + a * d.H, iw = j * s.W - p.W + e * d.W;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                    acc += wt[((oc * cg + ci) * kh + a) * kw + e] * x[((ni * c + grp * cg + ci) * h + ih) * w + iw];
                                }
                        y[((ni * o + oc) * oh + i) * ow + j] = acc;
                    }
            }
        return y;
    }

    /// <summary>
    /// Transposed convolution by its scatter definition: every input pixel adds weight·value into the output
    /// window it maps to. x [n,ci,h,w], w [ci, co/g, kh, kw].
    /// </summary>
    public static double[] ConvTranspose2d(double[] x, int n, int ci, int h, int w, double[] wt, int cog, int kh, int kw, double[]? b,
        (int H, int W) s, (int H, int W) p, (int H, int W) op, (int H, int W) d, int groups, out int oh, out int ow)
    {
        oh = (h - 1) * s.H - 2 * p.H + d.H * (kh - 1) + op.H + 1;
        ow = (w - 1) * s.W - 2 * p.W + d.W * (kw - 1) + op.W + 1;
        int co = cog * groups, cig = ci / groups;
        var y = new double[n * co * oh * ow];
        for (int ni = 0; ni < n; ni++)
            for (int c = 0; c < co; c++)
                for (int k = 0; k < oh * ow; k++)
                    y[(ni * co + c) * oh * ow + k] = b?[c] ?? 0;
        for (int ni = 0; ni < n; ni++)
            for (int ic = 0; ic < ci; ic++)
            {
                int grp = ic / cig;
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                    {
                        double v = x[((ni * ci + ic) * h + i) * w + j];
                        for (int oc = 0; oc < cog; oc++)
                            for (int a = 0; a < kh; a++)
                                for (int e = 0; e < kw; e++)
                                {
                                    int y0 = i * s.H - p.H + a * d.H, x0 = j * s.W - p.W + e * d.W;
                                    if (y0 < 0 || y0 >= oh || x0 < 0 || x0 >= ow) continue;
                                    y[((ni * co + grp * cog + oc) * oh + y0) * ow + x0] += v * wt[((ic * cog + oc) * kh + a) * kw + e];
                                }
                    }
            }
        return y;
    }

    /// <summary>unfold by definition: out[n, (c·kh + a)·kw + e, i·OW + j] = x[n, c, i·sh − ph + a·dh, j·sw − pw + e·dw] or 0.</summary>
    public static double[] Unfold(double[] x, int n, int c, int h, int w, int kh, int kw, (int H, int W) d, (int H, int W) p,
        (int H, int W) s, out int oh, out int ow)
    {
        oh = (h + 2 * p.H - d.H * (kh - 1) - 1) / s.H + 1;
        ow = (w + 2 * p.W - d.W * (kw - 1) - 1) / s.W + 1;
        int rows = c * kh * kw, l = oh * ow;
        var y = new double[n * rows * l];
        for (int ni = 0; ni < n; ni++)
            for (int ci = 0; ci < c; ci++)
                for (int a = 0; a < kh; a++)
                    for (int e = 0; e < kw; e++)
                        for (int i = 0; i < oh; i++)
                            for (int j = 0; j < ow; j++)
                            {
                                int ih = i * s.H - p.H + a * d.H, iw = j * s.W - p.W + e * d.W;
                                double v = ih < 0 || ih >= h || iw < 0 || iw >= w ? 0 : x[((ni * c + ci) * h + ih) * w + iw];
                                y[(ni * rows + (ci * kh + a) * kw + e) * l + i * ow + j] = v;
                            }
        return y;
    }

    /// <summary>
    /// Max pooling by definition over one plane: taps at (oh·s − p + a·d, ow·s − p + e·d) inside the plane, scanned
    /// row-major; a tap wins when larger than the best so far or NaN (PyTorch's CPU rule).
    /// </summary>
    public static (double[] Values, long[] Indices) MaxPoolPlane(double[] x, int h, int w, (int H, int W) k, (int H, int W) s,
        (int H, int W) p, (int H, int W) d, int oh, int ow)
    {
        var v = new double[oh * ow];
        var idx = new long[oh * ow];
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                double best = double.NegativeInfinity;
                long arg = -1;
                for (int a = 0; a < k.H; a++)
                    for (int e = 0; e < k.W; e++)
                    {
                        int ih = i * s.H - p.H + a * d.H, iw = j * s.W - p.W + e * d.W;
                        if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                        if (arg < 0) arg = ih * w + iw;
                        double t = x[ih * w + iw];
                        if (t > best || double.IsNaN(t)) { best = t; arg = ih * w + iw; }
                    }
                v[i * ow + j] = best;
                idx[i * ow + j] = arg;
            }
        return (v, idx);
    }

    /// <summary>
    /// Average pooling by definition over one plane, from the PyTorch docs: the window is the kernel placed at
    /// o·s − p and cut at the padded border (size + p); count_include_pad divides by that window's area, otherwise by
    /// the number of real taps; divisor overrides both.
    /// </summary>
    public static double[] AvgPoolPlane(double[] x, int h, int w, (int H, int W) k, (int H, int W) s, (int H, int W) p,
        bool includePad, int? divisor, int oh, int ow)
    {
        var y = new double[oh * ow];
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                double sum = 0;
                int real = 0, area = 0;
                for (int a = 0; a < k.H; a++)
                    for (int e = 0; e < k.W; e++)
                    {
                        int ih = i * s.H - p.H + a, iw = j * s.W - p.W + e;
                        if (ih >= h + p.H || iw >= w + p.W) continue;
                        area++;
                        if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                        real++;
                        sum += x[ih * w + iw];
                    }
                y[i * ow + j] = real == 0 ? 0 : sum / (divisor ?? (includePad ? area : real));
            }
        return y;
    }

    /// <summary>Adaptive average pooling of one plane with bins [⌊i·n/m⌋, ⌈(i+1)·n/m⌉) computed in floating point.</summary>
    public static double[] AdaptiveAvgPlane(double[] x, int h, int w, int oh, int ow)
    {
        var y = new double[oh * ow];
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                int h0 = (int)Math.Floor((double)i * h / oh), h1 = (int)Math.Ceiling((double)(i + 1) * h / oh);
                int w0 = (int)Math.Floor((double)j * w / ow), w1 = (int)Math.Ceiling((double)(j + 1) * w / ow);
                double sum = 0;
                for (int a = h0; a < h1; a++)
                    for (int e = w0; e < w1; e++)
                        sum += x[a * w + e];
                y[i * ow + j] = sum / ((h1 - h0) * (w1 - w0));
            }
        return y;
    }

    /// <summary>softmax / log_softmax along the middle axis of [outer, size, inner], in double with max subtraction.</summary>
    public static double[] Softmax(double[] x, int outer, int size, int inner, bool log)
    {
        var y = new double[x.Length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                double max = double.NegativeInfinity;
                bool nan = false;
                for (int r = 0; r < size; r++)
                {
                    double v = x[(o * size + r) * inner + i];
                    nan |= double.IsNaN(v);
                    max = Math.Max(max, v);
                }
                double sum = 0;
                for (int r = 0; r < size; r++) sum += Math.Exp(x[(o * size + r) * inner + i] - max);
                for (int r = 0; r < size; r++)
                {
                    int k = (o * size + r) * inner + i;
                    double e = x[k] - max;
                    y[k] = nan ? double.NaN : log ? e - Math.Log(sum) : Math.Exp(e) / sum;
                }
            }
        return y;
    }
}

/// <summary>Reference gradients of the direct convolution (same loops as the forward, accumulating).</summary>
internal static class NNReferenceGrad
{
    /// <summary>dx, dw, db of conv2d for upstream gradient <paramref name="g"/> [n, o, oh, ow].</summary>
    public static (double[] Dx, double[] Dw, double[] Db) Conv2d(double[] x, int n, int c, int h, int w, double[] wt, int o, int kh, int kw,
        double[] g, (int H, int W) s, (int H, int W) p, (int H, int W) d, int groups, int oh, int ow)
    {
        int cg = c / groups, og = o / groups;
        var dx = new double[x.Length];
        var dw = new double[wt.Length];
        var db = new double[o];
        for (int ni = 0; ni < n; ni++)
            for (int oc = 0; oc < o; oc++)
            {
                int grp = oc / og;
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double gv = g[((ni * o + oc) * oh + i) * ow + j];
                        db[oc] += gv;
                        for (int ci = 0; ci < cg; ci++)
                            for (int a = 0; a < kh; a++)
                                for (int e = 0; e < kw; e++)
                                {
                                    int ih = i * s.H - p.H + a * d.H, iw = j * s.W - p.W + e * d.W;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                    int xi = ((ni * c + grp * cg + ci) * h + ih) * w + iw, wi = ((oc * cg + ci) * kh + a) * kw + e;
                                    dx[xi] += gv * wt[wi];
                                    dw[wi] += gv * x[xi];
                                }
                    }
            }
        return (dx, dw, db);
    }
}
