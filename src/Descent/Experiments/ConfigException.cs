
namespace Descent.Experiments;

/// <summary>An invalid experiment file: the message names the file, line, column and dotted key.</summary>
public sealed class ConfigException(string message) : FormatException(message);
