using System.Buffers.Binary;
using System.Security.Cryptography;
using Descent.Tests.Cli;

namespace Descent.Tests.FaultInjection;

/// <summary>
/// A generated corpus of broken inputs fed to the CLI in-process: experiment YAML (truncated at every line and inside
/// lines, random bytes, every scalar key given values of the wrong type), CSV data (truncated at every row and inside
/// rows, random bytes, a wrong-typed cell per column), IDX images (truncated at every header field and inside the data,
/// random bytes, wrong magic numbers) and checkpoints (truncated at every section boundary of the safetensors layout:
/// length prefix, header, tensor data; random bytes; a damaged header) given to evaluate, predict and resume. For each:
/// no stack trace, exit 1 (or 0 where the damaged file is still a valid input, e.g. a YAML prefix), a one-line message
/// naming the file (and its line for YAML), and no file changed or lost.
/// </summary>
[Trait("Category", "FaultInjection")]
public sealed class BrokenInputCorpusTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-fault-corpus-");
    private readonly Random _random = new(18);

    public void Dispose() => _dir.Delete(recursive: true);

    private string Runs => Path.Combine(_dir.FullName, "runs");

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Write(string name, string text) => Write(name, System.Text.Encoding.UTF8.GetBytes(text));

    private byte[] RandomBytes(int n)
    {
        var b = new byte[n];
        _random.NextBytes(b);
        return b;
    }

    private const string Experiment = """
        name: corpus
        seed: 2
        epochs: 1
        data:
          dataset: synthetic
          synthetic: {kind: blobs, samples: 60, classes: 3, features: 4}
          batch_size: 16
          validation: 0.2
        model:
          preset: mlp
          hidden: [8]
          dropout: 0.1
        optimizer:
          name: sgd
          lr: 0.05
          momentum: 0.9
        regularization:
          clip_norm: 1.0
        callbacks:
          checkpoint: {monitor: val_loss}
        """;

    /// <summary>Runs descent with <paramref name="args"/>; asserts the user-error contract; returns the exit code and last line.</summary>
    private static (int Code, string Line) Check(string what, string mustName, bool mayPass, params string[] args)
    {
        var before = Snapshot(args);
        var (code, _, errors) = CliRunner.Run(args);
        Assert.True(!errors.Contains("   at ", StringComparison.Ordinal) && !errors.Contains("internal error", StringComparison.Ordinal),
            $"{what}: a stack trace for user input:\n{errors}");
        Assert.True(code == 1 || (mayPass && code == 0), $"{what}: exit {code}: {errors}");
        string line = errors.Trim().Split('\n')[^1];
        if (code == 1)
        {
            Assert.StartsWith("descent: ", line);
            Assert.True(line.Contains(mustName, StringComparison.Ordinal), $"{what}: the message does not name {mustName}: {line}");
        }
        foreach (var (path, hash) in before)
            Assert.True(File.Exists(path) && hash == Hash(path), $"{what}: {path} was changed or lost");
        return (code, line);
    }

    // The files a command was given (and, for a run directory, all of its files) with their hashes.
    private static List<(string Path, string Hash)> Snapshot(string[] args) =>
        args.SelectMany(a => File.Exists(a) ? [a] : Directory.Exists(a) ? Directory.EnumerateFiles(a, "*", SearchOption.AllDirectories) : [])
            .Select(p => (p, Hash(p))).ToList();

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void BrokenExperimentYaml()
    {
        var lines = Experiment.Split('\n');
        var cases = new List<(string Name, string Text)>();
        for (int i = 0; i < lines.Length; i++)
        {
            cases.Add(($"prefix of {i} lines", string.Join('\n', lines.Take(i))));
            if (lines[i].Length > 4 && i % 2 == 0) cases.Add(($"cut inside line {i + 1}", string.Join('\n', lines.Take(i)) + "\n" + lines[i][..(lines[i].Length * 2 / 3)]));
        }
        cases.Add(("random bytes", System.Text.Encoding.Latin1.GetString(RandomBytes(300))));
        cases.Add(("tab indentation", Experiment.Replace("  preset: mlp", "\tpreset: mlp")));
        // Every scalar value of a key replaced by a value of another type.
        for (int i = 0; i < lines.Length; i++)
        {
            int colon = lines[i].IndexOf(": ", StringComparison.Ordinal);
            if (colon < 0 || lines[i].TrimEnd().EndsWith(':') || lines[i].Contains('{')) continue;
            foreach (var wrong in new[] { "abc", "[1, 2]" })
            {
                var copy = (string[])lines.Clone();
                copy[i] = lines[i][..(colon + 2)] + wrong;
                cases.Add(($"line {i + 1} = {wrong}", string.Join('\n', copy)));
            }
        }
        int refused = 0;
        foreach (var (name, text) in cases)
        {
            var file = Write("broken.yaml", text);
            var (code, line) = Check($"YAML {name}", file, mayPass: true, "train", file, "--runs-dir", Runs, "--quiet");
            if (code == 1) refused++;
        }
        Assert.True(refused > cases.Count / 2, $"only {refused} of {cases.Count} broken files were refused");
        // A wrong type is reported at its line.
        var typed = Write("typed.yaml", Experiment.Replace("lr: 0.05", "lr: abc"));
        Assert.Contains($"{typed}:15:", Check("lr: abc", typed, mayPass: false, "train", typed, "--runs-dir", Runs).Line);
    }

    [Fact]
    public void BrokenCsvData()
    {
        var rng = new Random(3);
        var rows = Enumerable.Range(0, 24).Select(i => FormattableString.Invariant($"{rng.NextDouble():F3},{rng.NextDouble():F3},{(i % 3 == 0 ? "red" : "blue")},{i % 2}")).ToList();
        string good = "a,b,colour,label\n" + string.Join('\n', rows) + "\n";
        var csvPath = Path.Combine(_dir.FullName, "data.csv");
        var exp = Write("csv.yaml", $"""
            name: csvcorpus
            epochs: 1
            data:
              dataset: csv
              batch_size: 8
              csv: {"{"}path: {csvPath}, target: label{"}"}
            model: {"{"}preset: mlp, hidden: [4]{"}"}
            """);
        var cases = new List<(string, byte[])>
        {
            ("empty", []),
            ("header only", System.Text.Encoding.UTF8.GetBytes("a,b,colour,label\n")),
            ("random bytes", RandomBytes(400)),
        };
        var bytes = System.Text.Encoding.UTF8.GetBytes(good);
        for (int i = 0, row = 0; i < bytes.Length; i++)
            if (bytes[i] == '\n' && row++ % 4 == 0) { cases.Add(($"cut after row {row}", bytes[..(i + 1)])); cases.Add(($"cut inside row {row + 1}", bytes[..Math.Min(bytes.Length, i + 5)])); }
        foreach (int column in new[] { 0, 1, 3 })
        {
            var cells = rows[5].Split(',');
            cells[column] = "oops";
            var copy = new List<string>(rows) { [5] = string.Join(',', cells) };
            cases.Add(($"text in column {column}", System.Text.Encoding.UTF8.GetBytes("a,b,colour,label\n" + string.Join('\n', copy) + "\n")));
        }
        cases.Add(("short row", System.Text.Encoding.UTF8.GetBytes(good.Replace(rows[3], "1.0,2.0"))));
        foreach (var (name, content) in cases)
        {
            File.WriteAllBytes(csvPath, content);
            Check($"CSV {name}", csvPath, mayPass: true, "train", exp, "--runs-dir", Runs, "--quiet");
        }
    }

    [Fact]
    public void BrokenIdxImagesAndCheckpoints()
    {
        var exp = Write("fashion.yaml", """
            name: fashion
            epochs: 1
            data: {dataset: fashion-mnist, source: embedded, train_samples: 200, test_samples: 50, batch_size: 50, validation: 0.2}
            model: {preset: mlp, hidden: [8]}
            """);
        var (code, _, errors) = CliRunner.Run("train", exp, "--runs-dir", Runs, "--quiet");
        Assert.True(code == 0, errors);
        var run = Path.Combine(Runs, "fashion");
        var last = Path.Combine(run, "checkpoints", "last.ckpt");

        // IDX: 3 images of 28×28; header = magic (4 bytes) + 3 dimensions (4 bytes each) = 16 bytes.
        var idxPath = Path.Combine(_dir.FullName, "images-idx3-ubyte");
        Descent.Data.IdxFile.FromBytes(RandomBytes(3 * 784), 3, 28, 28).Write(idxPath);
        var idx = File.ReadAllBytes(idxPath);
        var idxCases = new List<(string, byte[])> { ("random bytes", RandomBytes(700)) };
        foreach (int cut in new[] { 0, 2, 4, 6, 8, 12, 14, 16, 16 + 784, idx.Length - 1 }) idxCases.Add(($"cut at {cut}", idx[..cut]));
        var badMagic = (byte[])idx.Clone();
        badMagic[2] = 0x42;                                   // unknown element type
        idxCases.Add(("unknown type", badMagic));
        var badDims = (byte[])idx.Clone();
        BinaryPrimitives.WriteInt32BigEndian(badDims.AsSpan(8), 27);
        idxCases.Add(("27 rows", badDims));
        var badRank = (byte[])idx.Clone();
        badRank[3] = 9;
        idxCases.Add(("rank 9", badRank));
        foreach (var (name, content) in idxCases)
        {
            var broken = Write("broken-idx3-ubyte", content);
            Check($"IDX {name}", broken, mayPass: false, "predict", last, broken);
        }

        // Checkpoints: safetensors = 8-byte little-endian header length, JSON header, tensor data.
        var ckpt = File.ReadAllBytes(last);
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(ckpt);
        var ckptCases = new List<(string, byte[])> { ("empty", []), ("random bytes", RandomBytes(5000)) };
        foreach (int cut in new[] { 1, 7, 8, 9, headerEnd / 2, headerEnd - 1, headerEnd, headerEnd + 1, (headerEnd + ckpt.Length) / 2, ckpt.Length - 1 })
            ckptCases.Add(($"cut at {cut}", ckpt[..cut]));
        var hugeHeader = (byte[])ckpt.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(hugeHeader, ulong.MaxValue / 2);
        ckptCases.Add(("header length too large", hugeHeader));
        var garbledHeader = (byte[])ckpt.Clone();
        for (int i = 8; i < headerEnd; i += 97) garbledHeader[i] = (byte)'#';
        ckptCases.Add(("garbled header", garbledHeader));
        var pixels = Write("pixels.csv", "p\n" + string.Join('\n', Enumerable.Repeat(string.Join(',', Enumerable.Repeat("0", 784)), 1)));
        File.WriteAllText(pixels, string.Join(',', Enumerable.Range(0, 784).Select(i => $"p{i}")) + "\n" + string.Join(',', Enumerable.Repeat("0", 784)) + "\n");
        foreach (var (name, content) in ckptCases)
        {
            var broken = Write("broken.ckpt", content);
            Check($"checkpoint {name} (evaluate)", broken, mayPass: false, "evaluate", broken);
            Check($"checkpoint {name} (predict)", broken, mayPass: false, "predict", broken, pixels);
            // A run whose last.ckpt is damaged: resume refuses it and leaves every file of the run as it was.
            var copy = Path.Combine(_dir.FullName, "damaged");
            if (Directory.Exists(copy)) Directory.Delete(copy, recursive: true);
            CopyDirectory(run, copy);
            File.Delete(Path.Combine(copy, "summary.json"));      // a killed run: resumable
            var damaged = Path.Combine(copy, "checkpoints", "last.ckpt");
            File.WriteAllBytes(damaged, content);
            Check($"checkpoint {name} (resume)", damaged, mayPass: false, "resume", copy, "--quiet");
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
