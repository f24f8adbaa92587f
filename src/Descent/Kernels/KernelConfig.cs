using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// Process-wide kernel settings: the SIMD level kernels may use and the worker count of <see cref="ParallelFor"/>.
/// The environment variables <c>DESCENT_SIMD</c> (scalar|avx2|avx512) and <c>DESCENT_THREADS</c> set the
/// initial values, so a whole process (a test run, a benchmark) can be pinned to a lower path.
/// </summary>
public static class KernelConfig
{
    private static SimdLevel _simd = DetectFromEnvironment();

    /// <summary>Best level the hardware accelerates.</summary>
    public static SimdLevel HardwareLevel { get; } =
        Vector512.IsHardwareAccelerated ? SimdLevel.Vector512 :
        Vector256.IsHardwareAccelerated ? SimdLevel.Vector256 : SimdLevel.Scalar;

    /// <summary>
    /// Level kernels use: the requested level clamped to what the hardware supports.
    /// Setting it lower forces the lower path (tests cover every path this way).
    /// </summary>
    public static SimdLevel Simd
    {
        get => _simd;
        set => _simd = (SimdLevel)Math.Min((int)value, (int)HardwareLevel);
    }

    /// <summary>True when kernels may use 512-bit vectors.</summary>
    public static bool UseVector512 => _simd >= SimdLevel.Vector512;

    /// <summary>True when kernels may use 256-bit vectors.</summary>
    public static bool UseVector256 => _simd >= SimdLevel.Vector256;

    /// <summary>True when kernels must use plain scalar loops.</summary>
    public static bool ForceScalar => _simd == SimdLevel.Scalar;

    /// <summary>Sets the SIMD level to <paramref name="level"/> until the returned handle is disposed.</summary>
    public static IDisposable Force(SimdLevel level)
    {
        var previous = _simd;
        Simd = level;
        return new Restore(() => _simd = previous);
    }

    private static SimdLevel DetectFromEnvironment()
    {
        var hw = Vector512.IsHardwareAccelerated ? SimdLevel.Vector512 :
                 Vector256.IsHardwareAccelerated ? SimdLevel.Vector256 : SimdLevel.Scalar;
        var env = Environment.GetEnvironmentVariable("DESCENT_SIMD");
        SimdLevel requested = env?.Trim().ToLowerInvariant() switch
        {
            null or "" => hw,
            "scalar" or "none" => SimdLevel.Scalar,
            "avx2" or "vector256" or "256" => SimdLevel.Vector256,
            "avx512" or "vector512" or "512" => SimdLevel.Vector512,
            _ => throw new FormatException(
                $"DESCENT_SIMD='{env}' is not one of scalar, avx2, avx512 (unset it to use the best the processor has)."),
        };
        return (SimdLevel)Math.Min((int)requested, (int)hw);
    }

    private sealed class Restore(Action action) : IDisposable
    {
        private Action? _action = action;
        public void Dispose()
        {
            _action?.Invoke();
            _action = null;
        }
    }
}
