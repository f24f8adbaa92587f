using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = Descent.Tensors.Tensor;

namespace Descent.Tests.Interop.Onnx;

/// <summary>
/// Runs ONNX models in ONNX Runtime (the real consumer; a test-only dependency) and compares its outputs with
/// Descent's within float32 tolerance.
/// </summary>
internal static class OnnxRuntimeCheck
{
    /// <summary>Float32 tolerance: |a − b| ≤ 1e-4 + 1e-4·|b|, as the ONNX fixtures use.</summary>
    public const double Atol = 1e-4, Rtol = 1e-4;

    /// <summary>ONNX Runtime's output for <paramref name="input"/> (float32 or int64) as a tensor.</summary>
    public static Tensor Run(byte[] model, Tensor input)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        var name = session.InputMetadata.Keys.Single();
        var dims = input.Shape.ToArray();
        NamedOnnxValue value = input.DType switch
        {
            DType.Int64 => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(input.ToArray<long>(), dims)),
            DType.Float64 => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<double>(input.ToArray<double>(), dims)),
            _ => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(input.ToFloatArray(), dims)),
        };
        using var results = session.Run([value]);
        var output = results.Single();
        if (output.Value is Tensor<double> d) return Tensor.FromArray(d.ToArray(), [.. d.Dimensions]);
        var f = output.AsTensor<float>();
        return Tensor.FromArray(f.ToArray(), [.. f.Dimensions]);
    }

    /// <summary>Exported <paramref name="model"/> run by ONNX Runtime agrees with Descent on <paramref name="input"/>.</summary>
    public static void AssertAgrees(byte[] onnx, Module model, Tensor input, string what)
    {
        Tensor expected;
        bool training = model.Training;
        model.Eval();
        using (GradMode.Disable()) expected = model.Call(input);
        model.Train(training);
        var actual = Run(onnx, input);
        AssertClose(actual, expected, what);
    }

    /// <summary>Elementwise |a − b| ≤ atol + rtol·|b| with the same shape.</summary>
    public static void AssertClose(Tensor actual, Tensor expected, string what, double atol = Atol, double rtol = Rtol)
    {
        Assert.True(expected.Shape == actual.Shape, $"{what}: shape {actual.Shape}, expected {expected.Shape}.");
        var a = actual.ToDoubleArray();
        var b = expected.ToDoubleArray();
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(a[i] - b[i]) <= atol + rtol * Math.Abs(b[i]), $"{what}: element {i} is {a[i]:R}, expected {b[i]:R}.");
    }
}
