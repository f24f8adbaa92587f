using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class UnitSpaceTransformTests
{
    private static UnitSpaceTransform Space() => new(new Dictionary<string, Distribution>
    {
        ["b_int"] = new IntDistribution(0, 3),                // cells of width 1/4 centred on 0..3
        ["a_log"] = new FloatDistribution(1e-3, 1e1, log: true),
        ["d_step"] = new FloatDistribution(0, 1, step: 0.25),
        ["c_cat"] = new CategoricalDistribution(["x", "y", "z"]),
        ["e_logint"] = new IntDistribution(1, 1000, log: true),
    });

    [Fact]
    public void ColumnsFollowNameOrderWithOneHotCategoricals()
    {
        var s = Space();
        Assert.Equal(["a_log", "b_int", "c_cat", "d_step", "e_logint"], s.Names);
        Assert.Equal(7, s.ColumnCount);
        Assert.Equal([0, 1, 2, 2, 2, 3, 4], s.ParamOfColumn);
        Assert.Equal([0L, 4, 3, 5, 1000], s.GridCounts);
    }

    [Fact]
    public void EncodesHalfStepCellsAndLogScalesAndRoundTrips()
    {
        var s = Space();
        Assert.Equal(0.5, s.ToUnit(0, 0.1), 12);          // log10 midpoint of 1e-3..1e1 is 1e-1
        Assert.Equal(0.125, s.ToUnit(1, 0), 12);          // [−½, 3½] → 0 at 1/8
        Assert.Equal(0.875, s.ToUnit(1, 3), 12);
        Assert.Equal(2, s.FromUnit(1, 0.6));              // 0.6·4 − ½ = 1.9 → 2
        Assert.Equal(0.75, s.FromUnit(3, 0.7));           // step grid [−⅛, 1⅛]: 0.7·1.25 − 0.125 = 0.75
        var values = new Dictionary<string, double> { ["a_log"] = 0.02, ["b_int"] = 1, ["c_cat"] = 2, ["d_step"] = 0.25, ["e_logint"] = 37 };
        var features = new double[s.ColumnCount];
        s.Encode(values, features);
        Assert.Equal([0, 0, 1], features[2..5]);
        var back = s.Decode(features);
        foreach (var (k, v) in values) Assert.Equal(v, back[k], 9);
        // Grid helpers agree with the encoding, also for a range too large to enumerate.
        var big = new UnitSpaceTransform(new Dictionary<string, Distribution> { ["n"] = new IntDistribution(1, 2_000_000_000, step: 2) });
        long index = big.GridIndex(0, 0.37);
        Assert.Equal(big.Snap(0, 0.37), big.GridUnit(0, index), 12);
        Assert.True(big.Distributions[0].Contains(big.FromUnit(0, big.GridUnit(0, index))));
    }
}
