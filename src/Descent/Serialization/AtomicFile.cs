namespace Descent.Serialization;

/// <summary>
/// Writes files atomically: the content goes to a temporary file in the same directory, is flushed to disk,
/// and then replaces the target with one rename. A crash leaves either the old file or the new one, never
/// a half-written file.
/// </summary>
public static class AtomicFile
{
    /// <summary>Runs <paramref name="write"/> on a temporary file and moves it over <paramref name="path"/> when it succeeds.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                WriteFault.BeforeCommit(full, stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private const string TemporarySuffix = ".tmp";

    /// <summary>
    /// True for the name of a temporary file <see cref="Write"/> makes (<c>.name.&lt;32 hex digits&gt;.tmp</c>): one that is
    /// still there was left by a process killed while writing, and the target file is intact.
    /// </summary>
    public static bool IsTemporaryFile(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        fileName = Path.GetFileName(fileName);
        if (!fileName.StartsWith('.') || !fileName.EndsWith(TemporarySuffix, StringComparison.Ordinal)) return false;
        var stem = fileName[..^TemporarySuffix.Length];
        int dot = stem.LastIndexOf('.');
        return dot > 1 && stem.Length - dot - 1 == 32 && stem[(dot + 1)..].All(char.IsAsciiHexDigitLower);
    }

    /// <summary>Deletes the temporary files killed writers left in <paramref name="directory"/> (not its sub-folders); returns how many.</summary>
    public static int RemoveLeftovers(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory)) return 0;
        int removed = 0;
        foreach (var f in Directory.EnumerateFiles(directory).Where(f => IsTemporaryFile(f)).ToList())
        {
            TryDelete(f);
            removed++;
        }
        return removed;
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original error matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
            // Same: never mask the original failure.
        }
    }
}
