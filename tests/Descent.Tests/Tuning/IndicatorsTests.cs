using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class IndicatorsTests
{
    [Fact]
    public void HypervolumeMatchesDeapsHvModule()
    {
        // Values from DEAP 1.3's deap.tools._hypervolume.hv.hypervolume on the same points.
        double[][] two = [[1, 4], [2, 2], [4, 1], [3, 3]];
        Assert.Equal(11.0, Indicators.Hypervolume(two, [5.0, 5.0]), 12);
        double[][] three = [[0.1, 0.9, 0.5], [0.5, 0.5, 0.5], [0.9, 0.1, 0.2], [0.3, 0.3, 0.9], [0.6, 0.7, 0.1]];
        Assert.Equal(0.251, Indicators.Hypervolume(three, [1.0, 1.0, 1.0]), 12);
        Assert.Equal(0.7982357282498306, Indicators.Hypervolume(RandomCloud, [1.1, 1.1, 1.1]), 12);
    }

    [Fact]
    public void HypervolumeIgnoresPointsOutsideTheReferenceAndChecksShapes()
    {
        Assert.Equal(0, Indicators.Hypervolume([[2.0, 0.5], [0.5, 2.0]], [1.0, 1.0]));
        Assert.Equal(0.25, Indicators.Hypervolume([[0.5, 0.5], [0.5, 0.5], [0.9, 0.9]], [1.0, 1.0]), 12);
        Assert.Equal(0.5, Indicators.Hypervolume([[0.5]], [1.0]), 12);
        Assert.Throws<ArgumentException>(() => Indicators.Hypervolume([[0.5, 0.5, 0.5]], [1.0, 1.0]));
    }

    [Fact]
    public void InvertedGenerationalDistanceAveragesTheDistanceFromEachReferencePoint()
    {
        double[][] points = [[0, 1], [0.5, 0.5], [1, 0]];
        double[][] front = [[0, 1], [0.25, 0.75], [1, 0]];
        // Only (0.25, 0.75) is away from the points: √(0.125) / 3, as DEAP's tools.igd gives.
        Assert.Equal(0.11785113019775793, Indicators.InvertedGenerationalDistance(points, front), 14);
        Assert.Equal(0, Indicators.InvertedGenerationalDistance(front, front));
        Assert.Throws<ArgumentException>(() => Indicators.InvertedGenerationalDistance([], front));
    }

    [Fact]
    public void NonDominatedKeepsTheParetoFront()
    {
        double[][] points = [[1, 4], [2, 2], [4, 1], [3, 3], [2, 2]];
        Assert.Equal([[1.0, 4], [2.0, 2], [4.0, 1], [2.0, 2]], Indicators.NonDominated(points));
    }

    [Fact]
    public void MultiObjectiveProblemsMatchDeapsBenchmarks()
    {
        double[] x = [0.2, .. Enumerable.Repeat(0.1, 29)];
        Close([0.2, 1.2835585997031025], MultiObjectiveFunctions.Zdt1(x));
        Close([0.2, 1.878947368421053], MultiObjectiveFunctions.Zdt2(x));
        Close([0.2, 1.2835585997031025], MultiObjectiveFunctions.Zdt3(x));
        double[] y = [0.3, 0.6, .. Enumerable.Repeat(0.5, 10)];
        Close([0.5237204946142994, 0.7208394201673423, 0.45399049973954675], MultiObjectiveFunctions.Dtlz2(y, 3));
        double[] z = [0.3, 0.6, .. Enumerable.Repeat(0.7, 10)];
        Close([0.7332086924600191, 1.0091751882342792, 0.6355866996353654], MultiObjectiveFunctions.Dtlz2(z, 3));
        Assert.Equal(1255.1216427895083, BenchmarkFunctions.Schwefel([1.0, -2.0, 3.0]), 10);
        Assert.True(BenchmarkFunctions.Schwefel(Enumerable.Repeat(420.9687, 10).ToArray()) < 1e-6);
    }

    [Fact]
    public void TrueFrontsLieOnTheirCurves()
    {
        Assert.All(MultiObjectiveFunctions.ZdtFront(1), p => Assert.Equal(1 - Math.Sqrt(p[0]), p[1], 12));
        Assert.All(MultiObjectiveFunctions.ZdtFront(2), p => Assert.Equal(1 - p[0] * p[0], p[1], 12));
        var zdt3 = MultiObjectiveFunctions.ZdtFront(3);
        Assert.True(zdt3.Count < 1000, "ZDT3's front keeps only its non-dominated pieces");
        Assert.Equal(zdt3.Count, Indicators.NonDominated(zdt3).Count);
        Assert.All(MultiObjectiveFunctions.Dtlz2Front(), p => Assert.Equal(1, p.Sum(v => v * v), 12));
        // At g = 0 the objectives lie on the front.
        var f = MultiObjectiveFunctions.Dtlz2([0.3, 0.8, 0.5, 0.5], 3);
        Assert.Equal(1, f.Sum(v => v * v), 12);
    }

    private static void Close(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-14);
    }

    private static readonly double[][] RandomCloud =
    [
        [0.511822, 0.950464, 0.14416], [0.948649, 0.311831, 0.423326], [0.827703, 0.409199, 0.549594], [0.027559, 0.753513, 0.538143],
        [0.329732, 0.788429, 0.303195], [0.453498, 0.134042, 0.403113], [0.203455, 0.262313, 0.750365], [0.280409, 0.485191, 0.980737],
        [0.961657, 0.72479, 0.541227], [0.276891, 0.160652, 0.969925], [0.516069, 0.115866, 0.62349], [0.776683, 0.613003, 0.917298],
        [0.039593, 0.528589, 0.459336], [0.06235, 0.641328, 0.852633], [0.592941, 0.260097, 0.839882], [0.509496, 0.510889, 0.75303],
        [0.147922, 0.819627, 0.683287], [0.787097, 0.191616, 0.802364], [0.191324, 0.081553, 0.855227], [0.861283, 0.876537, 0.47191],
        [0.274048, 0.007092, 0.645721], [0.719909, 0.835569, 0.281878], [0.215218, 0.639331, 0.805055], [0.963671, 0.150525, 0.482212],
        [0.894716, 0.422717, 0.589502], [0.024491, 0.67346, 0.919089], [0.826825, 0.88552, 0.660355], [0.245552, 0.768517, 0.211675],
        [0.831275, 0.062718, 0.825488], [0.164507, 0.375147, 0.316738],
    ];
}
