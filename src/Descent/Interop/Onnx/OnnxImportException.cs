namespace Descent.Interop.Onnx;

/// <summary>An ONNX file the importer cannot read or turn into a Descent model; the message names the file, node and cause.</summary>
public sealed class OnnxImportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OnnxImportException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public OnnxImportException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with no message.</summary>
    public OnnxImportException() { }
}
