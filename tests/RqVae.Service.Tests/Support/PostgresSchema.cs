using Npgsql;

namespace RqVae.Service.Tests.Support;

/// <summary>
/// A fresh schema on the PostgreSQL server RQVAE_TEST_POSTGRES names (scripts/setup.d/30-postgresql.sh starts one and
/// sets it). Without the variable the test fails saying so; "skip" skips it on purpose.
/// </summary>
public static class PostgresSchema
{
    private const string Variable = "RQVAE_TEST_POSTGRES";

    /// <summary>The connection string of a new, empty schema.</summary>
    public static async Task<string> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        Skip.If(server == "skip", $"{Variable}=skip: the PostgreSQL tests are skipped on purpose.");
        if (string.IsNullOrWhiteSpace(server))
            throw new InvalidOperationException($"{Variable} is not set, so the service cannot be tested on PostgreSQL. Run the tests with scripts/test.sh, or `source scripts/setup.d/30-postgresql.sh` first; set {Variable}=skip to skip these tests.");
        var schema = "rqvae_service_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
    }
}
