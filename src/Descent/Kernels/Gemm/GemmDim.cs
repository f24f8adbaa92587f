namespace Descent.Kernels;

/// <summary>
/// A compile-time tile extent (rows or vectors). Micro-kernels are generic over two of these so the JIT
/// emits one specialised body per edge shape: unused accumulators and loads vanish as dead code instead
/// of being guarded by runtime branches inside the k loop.
/// </summary>
internal interface IGemmDim
{
    /// <summary>The extent.</summary>
    static abstract int N { get; }
}

/// <summary>Extent 1.</summary>
internal readonly struct GemmD1 : IGemmDim { public static int N => 1; }

/// <summary>Extent 2.</summary>
internal readonly struct GemmD2 : IGemmDim { public static int N => 2; }

/// <summary>Extent 3.</summary>
internal readonly struct GemmD3 : IGemmDim { public static int N => 3; }

/// <summary>Extent 4.</summary>
internal readonly struct GemmD4 : IGemmDim { public static int N => 4; }

/// <summary>Extent 5.</summary>
internal readonly struct GemmD5 : IGemmDim { public static int N => 5; }

/// <summary>Extent 6.</summary>
internal readonly struct GemmD6 : IGemmDim { public static int N => 6; }

/// <summary>Extent 7.</summary>
internal readonly struct GemmD7 : IGemmDim { public static int N => 7; }

/// <summary>Extent 8.</summary>
internal readonly struct GemmD8 : IGemmDim { public static int N => 8; }

/// <summary>Extent 9.</summary>
internal readonly struct GemmD9 : IGemmDim { public static int N => 9; }

/// <summary>Extent 10.</summary>
internal readonly struct GemmD10 : IGemmDim { public static int N => 10; }

/// <summary>Extent 11.</summary>
internal readonly struct GemmD11 : IGemmDim { public static int N => 11; }

/// <summary>Extent 12.</summary>
internal readonly struct GemmD12 : IGemmDim { public static int N => 12; }
