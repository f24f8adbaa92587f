using Descent.Tuning;

namespace Descent.Tests.Tuning.Storage;

public class AttrJsonTests
{
    [Fact]
    public void ReadsPythonStyleJson()
    {
        // What Python's json.dumps writes (spaces after separators, NaN/Infinity literals, \u escapes incl. a surrogate pair).
        var v = (IReadOnlyDictionary<string, object?>)AttrJson.Read("{\"a\": [1, 2.5, -3e2, NaN, -Infinity], \"s\": \"\\u00e9\\ud835\\udd18\\n\", \"n\": null, \"t\": true}")!;
        var list = (IReadOnlyList<object?>)v["a"]!;
        Assert.Equal(1L, list[0]);
        Assert.Equal(2.5, list[1]);
        Assert.Equal(-300.0, list[2]);
        Assert.True(double.IsNaN((double)list[3]!));
        Assert.Equal(double.NegativeInfinity, list[4]);
        Assert.Equal("é𝔘\n", v["s"]);
        Assert.Null(v["n"]);
        Assert.Equal(true, v["t"]);
    }

    [Theory]
    [InlineData("[1, 2")]
    [InlineData("{\"a\" 1}")]
    [InlineData("\"open")]
    [InlineData("[1] x")]
    [InlineData("nul")]
    public void CorruptTextIsAFormatException(string json) => Assert.Throws<FormatException>(() => AttrJson.Read(json));

    [Fact]
    public void WritingKeepsIntegersAndDoublesApart()
    {
        Assert.Equal("[2,2.0,-0.0,1E+20,NaN,Infinity]", AttrJson.Write(AttrValues.Normalize(new object[] { 2, 2.0, -0.0, 1e20, double.NaN, double.PositiveInfinity })));
        Assert.Equal("{\"q\":\"a\\\"b\\\\\\u0001\"}", AttrJson.Write(AttrValues.Normalize(new Dictionary<string, object?> { ["q"] = "a\"b\\\u0001" })));
    }
}
