using System.Reflection;
using Descent.Tensors;
using Xunit.Sdk;

namespace Descent.Tests.Fixtures;

/// <summary>
/// A fixture file whose every case runs twice, in Float64 (the fixtures' precision, tight tolerances) and in Float32:
/// a derived class names its file with <see cref="FixtureReaderAttribute"/> and implements <see cref="Run"/>.
/// </summary>
public abstract class PrecisionFixtureTests
{
    [Theory]
    [FixtureCases]
    public void Float64(string name) => Run(name, DType.Float64);

    [Theory]
    [FixtureCases]
    public void Float32(string name) => Run(name, DType.Float32);

    /// <summary>Checks case <paramref name="name"/> of the class's fixture file in <paramref name="dtype"/>.</summary>
    protected abstract void Run(string name, DType dtype);
}

/// <summary>The case names of the fixture file the test class reads (its single <see cref="FixtureReaderAttribute"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FixtureCasesAttribute : DataAttribute
{
    /// <inheritdoc />
    public override IEnumerable<object[]> GetData(MethodInfo testMethod)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        var type = testMethod.ReflectedType!;
        var reader = type.GetCustomAttributes<FixtureReaderAttribute>().SingleOrDefault()
            ?? throw new InvalidOperationException($"{type.Name} derives from {nameof(PrecisionFixtureTests)} without exactly one [FixtureReader].");
        return FixtureFiles.CaseData(reader.FileName);
    }
}
