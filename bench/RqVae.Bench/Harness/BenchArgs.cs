using System.Globalization;

namespace RqVae.Bench.Harness;

/// <summary>`--name value` and `--flag` arguments of one measure.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string?> values = new(StringComparer.Ordinal);

    public BenchArgs(IEnumerable<string> args)
    {
        string? pending = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending is not null) values[pending] = null;
                pending = arg[2..];
            }
            else if (pending is not null)
            {
                values[pending] = arg;
                pending = null;
            }
            else throw new ArgumentException($"Unexpected argument \"{arg}\": arguments are --name value pairs or --flags.");
        }
        if (pending is not null) values[pending] = null;
    }

    public bool Flag(string name) => values.ContainsKey(name);

    public string? String(string name, string? fallback = null) => values.TryGetValue(name, out var v) && v is not null ? v : fallback;

    public string RequiredString(string name) => String(name) ?? throw new ArgumentException($"--{name} is required.");

    public int Int(string name, int fallback) => values.TryGetValue(name, out var v) && v is not null
        ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
