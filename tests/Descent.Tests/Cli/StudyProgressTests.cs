using Descent.Cli.Studies;
using Descent.Tuning;

namespace Descent.Tests.Cli;

/// <summary>The tune progress: plain lines off a terminal, a live bar (with the same lines above it) on one.</summary>
public class StudyProgressTests
{
    private static Study NewStudy() => Study.Create(new StudyOptions { Sampler = new RandomSampler(1) });

    private static void Optimize(Study study, Action<Study, FrozenTrial> onTrialEnd) =>
        study.Optimize(t => t.SuggestFloat("x", -1, 1) is var x && x > 0.9 ? throw new TrialPrunedException() : x * x, nTrials: 3, callbacks: [onTrialEnd]);

    [Fact]
    public void PlainLinesNameTheTrialItsValueAndTheBestSoFar()
    {
        var study = NewStudy();
        var output = new StringWriter();
        new StudyProgress(study, 3, output).Run(cb => Optimize(study, cb));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("[1/3] trial 0 ", lines[0]);
        Assert.Contains("best ", lines[2]);
        Assert.Contains($"(trial {study.BestTrial.Number})", lines[2]);
        Assert.StartsWith("3 trial(s) in ", lines[3]);
        Assert.Contains("eta", lines[0]);
    }

    [Fact]
    public void TheLiveBarPrintsEachTrialAndTheBest()
    {
        var study = NewStudy();
        var screen = new StringWriter();
        var console = InteractiveConsole.Into(screen);
        var summary = new StringWriter();
        new StudyProgress(study, 3, summary, console).Run(cb => Optimize(study, cb));
        var text = screen.ToString();
        for (int i = 0; i < 3; i++) Assert.Contains($"trial {i} ", text);
        Assert.True(text.Contains("trials 3/3", StringComparison.Ordinal), text);
        Assert.StartsWith("3 trial(s) in ", summary.ToString());
    }
}
