using Descent.Data;
using Descent.Tensors;

namespace Descent.Tests.Data;

public class CsvLoaderTests
{
    private const string People =
        "name,age,city,income,label\n" +
        "ann,34,paris,52.5,yes\n" +
        "bob,27,berlin,48,no\n" +
        "cid,45,paris,61.25,yes\n" +
        "dan,52,rome,70,no\n";

    private static CsvData Load(string text, CsvOptions options) => CsvLoader.Load(new StringReader(text), "data.csv", options);

    [Fact]
    public void NumericAndOneHotCategoricalColumns()
    {
        var data = Load(People, new CsvOptions { Target = "label", Ignore = ["name"] });
        var s = data.Schema;
        Assert.Equal(["age", "city=berlin", "city=paris", "city=rome", "income"], s.FeatureNames);
        Assert.Equal(["no", "yes"], s.ClassNames);
        Assert.True(s.IsClassification);
        Assert.Equal(new Shape(4, 5), data.Dataset.Features.Shape);
        Assert.Equal(new double[] { 34, 0, 1, 0, 52.5, 27, 1, 0, 0, 48, 45, 0, 1, 0, 61.25, 52, 0, 0, 1, 70 }, data.Dataset.Features.ToDoubleArray());
        Assert.Equal(new long[] { 1, 0, 1, 0 }, data.Dataset.Targets.ToArray<long>());
        Assert.Equal(DType.Float32, data.Dataset.FeatureDType);
    }

    [Fact]
    public void IndexEncodingAndRegressionTarget()
    {
        var data = Load(People, new CsvOptions { Target = "income", Ignore = ["name"], Encoding = CategoricalEncoding.Index, DType = DType.Float64 });
        Assert.Equal(["age", "city", "label"], data.Schema.FeatureNames);
        Assert.Equal(new double[] { 34, 1, 1, 27, 0, 0, 45, 1, 1, 52, 2, 0 }, data.Dataset.Features.ToDoubleArray());
        Assert.False(data.Schema.IsClassification);
        Assert.Equal(new Shape(4, 1), data.Dataset.Targets.Shape);
        Assert.Equal(new[] { 52.5, 48, 61.25, 70 }, data.Dataset.Targets.ToDoubleArray());
    }

    [Fact]
    public void NumericClassLabelsSortNumerically()
    {
        var text = "x,y\n1,10\n2,2\n3,1\n4,2\n";
        var data = Load(text, new CsvOptions { Target = "y", TargetKind = CsvTargetKind.Classification });
        Assert.Equal(["1", "2", "10"], data.Schema.ClassNames);
        Assert.Equal(new long[] { 2, 1, 0, 1 }, data.Dataset.Targets.ToArray<long>());
    }

    [Fact]
    public void AMissingValueIsReportedByRowAndColumn()
    {
        var text = "age,city,label\n30,paris,a\n31,rome,b\n,paris,a\n";
        var ex = Assert.Throws<InvalidDataException>(() => Load(text, new CsvOptions { Target = "label" }));
        Assert.Equal("data.csv: row 3, column 'age': missing value", ex.Message);
    }

    [Fact]
    public void SeveralProblemsAreListedTogether()
    {
        var text = "age,city,label\n30,NA,a\n?,rome,b\n32,paris,\n";
        var ex = Assert.Throws<InvalidDataException>(() => Load(text, new CsvOptions { Target = "label" }));
        Assert.Equal(
            "data.csv: 3 bad values: row 1, column 'city': missing value; row 2, column 'age': missing value; row 3, column 'label': missing value",
            ex.Message);
    }

    [Fact]
    public void DropRowsAndFillPolicies()
    {
        var text = "age,city,label\n30,paris,a\n,rome,b\n40,,a\n50,paris,b\n";
        var dropped = Load(text, new CsvOptions { Target = "label", Missing = MissingValuePolicy.DropRows });
        Assert.Equal(2, dropped.DroppedRows);
        Assert.Equal(new double[] { 30, 1, 50, 1 }, dropped.Dataset.Features.ToDoubleArray());
        Assert.Equal(["paris"], dropped.Schema.Features[1].Categories);

        var filled = Load(text, new CsvOptions { Target = "label", Missing = MissingValuePolicy.Fill });
        Assert.Equal(0, filled.DroppedRows);
        // age mean of 30, 40, 50 = 40; city mode = paris (2 of 3).
        Assert.Equal(new double[] { 30, 1, 0, 40, 0, 1, 40, 1, 0, 50, 1, 0 }, filled.Dataset.Features.ToDoubleArray());
        Assert.Equal(40, filled.Schema.Features[0].FillValue);

        var noTarget = "age,label\n1,a\n2,\n";
        var ex = Assert.Throws<InvalidDataException>(() => Load(noTarget, new CsvOptions { Target = "label", Missing = MissingValuePolicy.Fill }));
        Assert.Equal("data.csv: row 2, column 'label': missing target value", ex.Message);
    }

    [Fact]
    public void NonNumbersInANumericColumnAreReported()
    {
        var text = "age,label\n30,a\nthirty,b\n41,a\n";
        var ex = Assert.Throws<InvalidDataException>(() => Load(text, new CsvOptions { Target = "label" }));
        Assert.Equal("data.csv: row 2, column 'age': 'thirty' is not a number (the other values of this column are numbers)", ex.Message);
        var declared = Assert.Throws<InvalidDataException>(() => Load("age,c,label\nx,u,a\n", new CsvOptions { Target = "label", Categorical = ["c"] }));
        Assert.Equal("data.csv: row 1, column 'age': 'x' is not a number", declared.Message);
    }

    [Fact]
    public void StructuralErrorsNameTheFile()
    {
        Assert.Equal("data.csv: no column 'price' (the target); the columns are: a, b.",
            Assert.Throws<InvalidDataException>(() => Load("a,b\n1,2\n", new CsvOptions { Target = "price" })).Message);
        Assert.Equal("data.csv: row 2 has 3 fields, the header has 2.",
            Assert.Throws<InvalidDataException>(() => Load("a,b\n1,2\n3,4,5\n", new CsvOptions { Target = "b" })).Message);
        Assert.Equal("data.csv: no data rows after the header.",
            Assert.Throws<InvalidDataException>(() => Load("a,b\n", new CsvOptions { Target = "b" })).Message);
        Assert.Equal("data.csv: the header names column 'a' twice.",
            Assert.Throws<InvalidDataException>(() => Load("a,a\n1,2\n", new CsvOptions { Target = "a" })).Message);
        Assert.Throws<ArgumentException>(() => Load("a,b\n1,2\n", new CsvOptions()));
    }

    [Fact]
    public void QuotedFieldsAndOtherSeparators()
    {
        var data = Load("\"city, country\";v;t\n\"paris, fr\";1.5;x\n\"rome; it\";2;y\n", new CsvOptions { Target = "t", Separator = ';' });
        Assert.Equal(["city, country=paris, fr", "city, country=rome; it", "v"], data.Schema.FeatureNames);
        Assert.Equal(';', data.Schema.Separator);
    }

    [Fact]
    public void SchemaEncodesPredictionInputTheSameWay()
    {
        var train = Load(People, new CsvOptions { Target = "label", Ignore = ["name"] });
        var input = "age,city,income\n40,rome,55\n22,berlin,30\n";
        var x = train.Schema.Transform(new StringReader(input), "new.csv");
        Assert.Equal(new double[] { 40, 0, 0, 1, 55, 22, 1, 0, 0, 30 }, x.ToDoubleArray());
        var unknown = Assert.Throws<InvalidDataException>(() => train.Schema.Transform(new StringReader("age,city,income\n40,oslo,1\n"), "new.csv"));
        Assert.Equal("new.csv: row 1, column 'city': category 'oslo' was not seen in training (known: berlin, paris, rome)", unknown.Message);
        var missingColumn = Assert.Throws<InvalidDataException>(() => train.Schema.Transform(new StringReader("age,income\n1,2\n"), "new.csv"));
        Assert.StartsWith("new.csv: no column 'city'", missingColumn.Message);
    }

    [Fact]
    public void LoadsFromAFile()
    {
        var dir = DataTestUtil.TempDir();
        try
        {
            var path = Path.Combine(dir, "data.csv");
            File.WriteAllText(path, People);
            var data = CsvLoader.Load(path, new CsvOptions { Target = "label", Ignore = ["name"] });
            Assert.Equal(4, data.Dataset.Count);
            var ex = Assert.Throws<InvalidDataException>(() => CsvLoader.Load(path, new CsvOptions { Target = "nope" }));
            Assert.StartsWith($"{path}: no column 'nope'", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

/// <summary>task auto: which task a target column is read as, the stated reason, and declared classes (#18).</summary>
public class CsvTaskChoiceTests
{
    private static CsvData Load(string text, CsvOptions options) => CsvLoader.Load(new StringReader(text), "data.csv", options);

    private static string Rows(IEnumerable<string> labels) => "x,y\n" + string.Concat(labels.Select((l, i) => $"{i * 0.5},{l}\n"));

    [Theory]
    [InlineData(new[] { "0", "1", "1", "0" }, true, "task auto → classification: label column 'y' holds 2 distinct integers (0, 1)")]
    [InlineData(new[] { "3", "1", "2", "2", "1" }, true, "task auto → classification: label column 'y' holds 3 distinct integers (1, 2, 3)")]
    [InlineData(new[] { "0.5", "1", "2" }, false, "task auto → regression: label column 'y' holds non-integer numbers ('0.5')")]
    [InlineData(new[] { "cat", "dog" }, true, "task auto → classification: label column 'y' holds text ('cat')")]
    public void AutoSaysWhichTaskAndWhy(string[] labels, bool classification, string reason)
    {
        var data = Load(Rows(labels), new CsvOptions { Target = "y" });
        Assert.Equal(classification, data.Schema.IsClassification);
        Assert.StartsWith(reason, data.TaskChoice);
        if (classification) Assert.Equal(labels.Length, data.Dataset.Targets.Shape[0]);
    }

    [Fact]
    public void ManyDistinctIntegersStayRegression()
    {
        var labels = Enumerable.Range(0, CsvLoader.MaxAutoClasses + 1).Select(i => (i * 7).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var data = Load(Rows(labels), new CsvOptions { Target = "y" });
        Assert.False(data.Schema.IsClassification);
        Assert.Contains($"holds {CsvLoader.MaxAutoClasses + 1} distinct integers (more than {CsvLoader.MaxAutoClasses})", data.TaskChoice);
    }

    [Fact]
    public void ALabelOutsideTheDeclaredClassesIsRefusedByRowAndColumn()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Load(Rows(["0", "1", "2", "1"]), new CsvOptions { Target = "y", Classes = ["0", "1"] }));
        Assert.Equal("data.csv: row 3, column 'y': label '2' is not one of the classes (0, 1)", ex.Message);
        var data = Load(Rows(["1", "0"]), new CsvOptions { Target = "y", Classes = ["1", "0", "2"] });
        Assert.Equal(["1", "0", "2"], data.Schema.ClassNames);          // declared order is class-id order
        Assert.Equal(new long[] { 0, 1 }, data.Dataset.Targets.ToArray<long>());
    }
}
