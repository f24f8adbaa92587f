using Descent.Experiments;

namespace Descent.Tests.Experiments;

public class ConfigDocumentTests
{
    private const string Yaml = """
        name: demo
        epochs: 5
        optimizer:
          name: adam
          lr: 0.001
          betas: [0.9, 0.999]
        model:
          layers:
            - linear: {out: 10}
            - relu
        """;

    [Fact]
    public void ReadsTypedValues()
    {
        var root = ConfigDocument.Parse(Yaml, "exp.yaml");
        Assert.Equal("demo", root.String("name", ""));
        Assert.Equal(5, root.Int("epochs", 1));
        var opt = root.Required("optimizer");
        Assert.Equal("adam", opt.Choice("name", "sgd", "sgd", "adam"));
        Assert.Equal(0.001, opt.Double("lr", 0));
        Assert.Equal([0.9, 0.999], opt.Required("betas").AsDoubles());
        var layers = root.Required("model").Required("layers").Items();
        Assert.Equal(2, layers.Count);
        Assert.Equal("model.layers[1]", layers[1].Path);
    }

    [Fact]
    public void WrongTypeNamesFileLineAndKey()
    {
        var root = ConfigDocument.Parse("optimizer:\n  lr: fast\n", "exp.yaml");
        var e = Assert.Throws<ConfigException>(() => root.Required("optimizer").Double("lr", 0));
        Assert.Equal("exp.yaml:2:7: optimizer.lr: expected a number, got 'fast'", e.Message);
    }

    [Fact]
    public void UnknownKeysAreReported()
    {
        var root = ConfigDocument.Parse("optimizer:\n  name: sgd\n  lrr: 0.1\n", "exp.yaml");
        var opt = root.Required("optimizer");
        opt.String("name", "");
        opt.Double("lr", 0.1);
        var e = Assert.Throws<ConfigException>(() => opt.RejectUnknownKeys());
        Assert.StartsWith("exp.yaml:3:8: optimizer.lrr: unknown key 'lrr'", e.Message);
    }

    [Fact]
    public void BadChoiceListsAllowedValues()
    {
        var root = ConfigDocument.Parse("loss: hinge\n", "exp.yaml");
        var e = Assert.Throws<ConfigException>(() => root.Choice("loss", "mse", "mse", "cross_entropy"));
        Assert.Contains("'hinge' is not one of mse, cross_entropy", e.Message);
    }

    [Fact]
    public void InvalidYamlIsLocated()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigDocument.Parse("a: [1, 2\nb: 3\n", "bad.yaml"));
        Assert.StartsWith("bad.yaml:", e.Message);
        Assert.Contains("invalid YAML", e.Message);
    }

    [Fact]
    public void OverridesReplaceAndCreateKeys()
    {
        var root = ConfigDocument.Parse(Yaml, "exp.yaml", ["optimizer.lr=0.1", "epochs=7", "schedule.name=cosine", "model.hidden=[64, 32]"]);
        Assert.Equal(0.1, root.Required("optimizer").Double("lr", 0));
        Assert.Equal(7, root.Int("epochs", 0));
        Assert.Equal("cosine", root.Required("schedule").String("name", ""));
        Assert.Equal([64, 32], root.Required("model").Required("hidden").AsInts());
    }

    [Fact]
    public void OverrideOnAShorthandScalarKeepsItsName()
    {
        var root = ConfigDocument.Parse("optimizer: adam\n", "exp.yaml", ["optimizer.lr=0.01"]);
        var opt = root.Required("optimizer");
        Assert.Equal("adam", opt.String("name", ""));
        Assert.Equal(0.01, opt.Double("lr", 0));
    }

    [Fact]
    public void MalformedOverrideIsAUserError()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigDocument.Parse(Yaml, "exp.yaml", ["lr"]));
        Assert.Contains("expected key=value", e.Message);
    }

    [Theory]
    [InlineData("name: x\nmodel: [mlp\nepochs: 2\n", "u.yaml:2:8: invalid YAML: the list opened here with '[' is never closed (a ']' is missing).")]
    [InlineData("name: x\nmodel: {preset: mlp\nepochs: 2\n", "u.yaml:2:8: invalid YAML: the mapping opened here with '{' is never closed (a '}' is missing).")]
    [InlineData("a: [1, [2, 3]\n", "u.yaml:1:4: invalid YAML: the list opened here with '[' is never closed (a ']' is missing).")]
    [InlineData("name: x\noptimizer:\n\tname: adam\n", "u.yaml:3:1: invalid YAML: line 3 is indented with a tab; YAML indents with spaces only.")]
    [InlineData("name: x\noptimizer:\n  name: adam\n\tlr: 1\n", "u.yaml:4:1: invalid YAML: line 4 is indented with a tab; YAML indents with spaces only.")]
    public void SyntaxErrorsNameTheLineAndColumnWhereTheProblemIs(string yaml, string message) =>
        Assert.Equal(message, Assert.Throws<ConfigException>(() => ConfigDocument.Parse(yaml, "u.yaml")).Message);

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("# just a comment\n---\n")]
    public void AnEmptyFileIsRefusedInsteadOfTrainingTheDefaults(string text)
    {
        var dir = Directory.CreateTempSubdirectory("descent-config-");
        try
        {
            var path = Path.Combine(dir.FullName, "empty.yaml");
            File.WriteAllText(path, text);
            var e = Assert.Throws<ConfigException>(() => ConfigDocument.Load(path));
            Assert.StartsWith($"{path}:1:1: the experiment file has no keys", e.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
