using Spectre.Console;

namespace Descent.Cli.Studies;

/// <summary>
/// Prints a table: a Spectre.Console table when writing to an interactive terminal, plain space-aligned
/// columns otherwise (pipes, files and tests get text that is easy to grep and diff).
/// </summary>
public static class ConsoleTable
{
    /// <summary>Writes <paramref name="header"/> and <paramref name="rows"/> to <paramref name="output"/>.</summary>
    public static void Write(TextWriter output, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        if (ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected)
        {
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var h in header) table.AddColumn(new TableColumn(Markup.Escape(h)));
            foreach (var r in rows) table.AddRow(r.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c)).ToArray());
            AnsiConsole.Write(table);
            return;
        }
        var widths = new int[header.Count];
        for (int j = 0; j < header.Count; j++) widths[j] = header[j].Length;
        foreach (var r in rows)
            for (int j = 0; j < Math.Min(r.Count, widths.Length); j++) widths[j] = Math.Max(widths[j], r[j].Length);
        WriteRow(output, header, widths);
        foreach (var r in rows) WriteRow(output, r, widths);
    }

    private static void WriteRow(TextWriter output, IReadOnlyList<string> cells, int[] widths)
    {
        var parts = new string[widths.Length];
        for (int j = 0; j < widths.Length; j++) parts[j] = (j < cells.Count ? cells[j] : "").PadRight(widths[j]);
        output.Write(string.Join("  ", parts).TrimEnd() + "\n");
    }
}
