using Spectre.Console;

namespace Descent.Tests.Cli;

/// <summary>
/// A Spectre.Console console that draws live displays (as on a terminal) into a writer, without colours, 200 columns
/// wide so long lines are not wrapped.
/// </summary>
internal static class InteractiveConsole
{
    public static IAnsiConsole Into(TextWriter screen)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(screen),
            Interactive = InteractionSupport.Yes,
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 200;
        return console;
    }
}
