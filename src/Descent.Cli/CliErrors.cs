namespace Descent.Cli;

/// <summary>Classifies exceptions into user errors (bad input: exit 1, one line) and internal errors (exit 2).</summary>
public static class CliErrors
{
    /// <summary>True for errors caused by the user's input or files.</summary>
    public static bool IsUserError(Exception e) => e is ArgumentException or FormatException or FileNotFoundException
        or DirectoryNotFoundException or InvalidDataException or UserErrorException or UnauthorizedAccessException
        or Descent.Interop.Onnx.OnnxImportException // an ONNX file the importer cannot read or map: named node and cause
        or NotSupportedException // a model with a layer that has no ONNX form (the message names the layer)
        or Descent.Tuning.StorageException; // unreachable database, wrong schema version: the user's setup, not a bug

    /// <summary>The message on one line.</summary>
    public static string OneLine(Exception e) => e.Message.ReplaceLineEndings(" ");
}

/// <summary>An error in what the user asked for (bad option value, missing file…): printed as one line, exit code 1.</summary>
public sealed class UserErrorException(string message) : Exception(message);
