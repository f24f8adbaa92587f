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

/// <summary>A model the exporter cannot write as ONNX (a layer with no ONNX form, an unsupported option); the message names the layer.</summary>
public sealed class OnnxExportException : NotSupportedException
{
    /// <summary>Creates the exception.</summary>
    public OnnxExportException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public OnnxExportException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with no message.</summary>
    public OnnxExportException() { }
}
