using Descent.Tuning;
using Npgsql;

namespace Descent.Tests.Tuning.Storage;

public class PostgresUrlTests
{
    [Fact]
    public void UrlsBecomeConnectionStrings()
    {
        var b = PostgresUrl.Parse("postgresql://alice:p%40ss%3Aw0rd@db.example:6543/studies?sslmode=require&connect_timeout=7&application_name=tuner");
        Assert.Equal(("alice", "p@ss:w0rd", "db.example", 6543, "studies"), (b.Username, b.Password, b.Host, b.Port, b.Database));
        Assert.Equal(SslMode.Require, b.SslMode);
        Assert.Equal(7, b.Timeout);
        Assert.Equal("tuner", b.ApplicationName);

        b = PostgresUrl.Parse("postgres://bob@[::1]/x?options=-c%20search_path%3Ds1");
        Assert.Equal(("bob", "::1", 5432, "x", "-c search_path=s1"), (b.Username, b.Host, b.Port, b.Database, b.Options));
        Assert.Equal("/run/pg", PostgresUrl.Parse("postgresql+psycopg2://u@/db?host=/run/pg").Host); // Optuna-style URL, Unix socket
        Assert.Equal(SslMode.VerifyFull, PostgresUrl.Parse("postgresql://h/d?sslmode=verify-full").SslMode);
    }

    [Theory]
    [InlineData("postgresql://u:secret@host:99999/db", "port \"99999\"")]
    [InlineData("postgresql://u:secret@host:abc/db", "port \"abc\"")]
    [InlineData("postgresql://u:secret@host/db?colour=red", "unknown query option \"colour\"")]
    [InlineData("postgresql://u:secret@host/db?sslmode=maybe", "unknown sslmode")]
    [InlineData("postgresql://u:secret@[::1/db", "unclosed '['")]
    public void BadUrlsAreOneLineErrorsWithoutThePassword(string url, string problem)
    {
        var e = Assert.Throws<StorageException>(() => PostgresUrl.Parse(url));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
        Assert.Contains("u:***@", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
