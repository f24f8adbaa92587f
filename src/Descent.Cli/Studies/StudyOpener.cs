using Descent.Tuning;

namespace Descent.Cli.Studies;

/// <summary>
/// Opens a study storage for the read-only verbs (<c>descent study</c>, <c>descent report --study</c>), turning
/// every storage failure into a one-line <see cref="UserErrorException"/>. Unlike <c>descent tune</c>, reading
/// never creates a database: a <c>sqlite:///</c> file must exist.
/// </summary>
public static class StudyOpener
{
    /// <summary>Opens <paramref name="url"/>; dispose the result when done (SQL storages hold connections).</summary>
    /// <exception cref="UserErrorException">Malformed URL, missing SQLite file, unreachable server or wrong schema.</exception>
    public static IStudyStorage OpenStorage(string url)
    {
        if (string.IsNullOrWhiteSpace(url)) throw new UserErrorException("--storage is required, e.g. --storage sqlite:///studies.db");
        try
        {
            if (url.Trim().StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
            {
                string path = SqliteStorage.ParsePath(url.Trim());
                if (!File.Exists(path)) throw new UserErrorException($"no study database at {path} (from --storage {url.Trim()})");
            }
            else if (url.Trim().StartsWith("memory", StringComparison.OrdinalIgnoreCase))
            {
                throw new UserErrorException("--storage memory:// holds no studies outside the process that made them; use sqlite:///path.db or postgresql://…");
            }
            return StorageFactory.Open(url);
        }
        catch (StorageException e)
        {
            throw new UserErrorException(CliErrors.OneLine(e));
        }
        catch (ArgumentException e)
        {
            throw new UserErrorException(CliErrors.OneLine(e));
        }
    }

    /// <summary>Loads study <paramref name="name"/> from <paramref name="storage"/>.</summary>
    /// <exception cref="UserErrorException">No such study (the message lists the ones there are).</exception>
    public static Study Load(IStudyStorage storage, string? name)
    {
        var all = storage.GetAllStudies();
        if (string.IsNullOrEmpty(name))
        {
            if (all.Count == 1) return Study.Load(all[0].StudyName, storage);
            throw new UserErrorException(all.Count == 0
                ? "the storage holds no studies"
                : $"--study is required: the storage holds {all.Count} studies ({Names(all)})");
        }
        if (storage.FindStudyId(name) is null)
            throw new UserErrorException(all.Count == 0
                ? $"no study named \"{name}\": the storage holds no studies"
                : $"no study named \"{name}\"; studies: {Names(all)}");
        return Study.Load(name, storage);
    }

    /// <summary>Disposes <paramref name="storage"/> when it holds resources.</summary>
    public static void Close(IStudyStorage storage) => (storage as IDisposable)?.Dispose();

    private static string Names(IReadOnlyList<StudySummary> all)
    {
        var names = all.Select(s => s.StudyName).Take(10).ToList();
        return string.Join(", ", names) + (all.Count > 10 ? $", … ({all.Count - 10} more)" : "");
    }
}
