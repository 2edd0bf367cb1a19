using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RqVae.Service.Contracts;

/// <summary>
/// A feature vector as the request gave it. Reading never fails on a bad value (a NaN or infinity, a number beyond
/// float range, a string): it keeps the first problem in <see cref="Error"/>, so one bad item becomes an error in its own
/// result instead of failing the whole batch.
/// </summary>
[JsonConverter(typeof(FeatureVectorConverter))]
public sealed class FeatureVector
{
    internal FeatureVector(float[] values, string? error)
    {
        Values = values;
        Error = error;
    }

    /// <summary>The values read.</summary>
    public float[] Values { get; }

    /// <summary>Why the vector cannot be used (the first bad value and its position), or null.</summary>
    public string? Error { get; }
}

/// <summary>Reads a JSON array of numbers into a <see cref="FeatureVector"/>, keeping bad values as its error.</summary>
internal sealed class FeatureVectorConverter : JsonConverter<FeatureVector>
{
    public override FeatureVector Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return new FeatureVector([], "must be an array of numbers");
        }
        var values = new List<float>(512);
        string? error = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var at = values.Count;
            float value = 0;
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    if (!reader.TryGetDouble(out var number) || !double.IsFinite(number)) error ??= $"value {at} is not a finite number";
                    else if (!float.IsFinite((float)number)) error ??= $"value {at} ({number.ToString("R", CultureInfo.InvariantCulture)}) is beyond the range of a 32-bit float";
                    else value = (float)number;
                    break;
                case JsonTokenType.String:
                    var text = reader.GetString();
                    error ??= text is "NaN" or "Infinity" or "-Infinity" or "+Infinity"
                        ? $"value {at} is {text}; features must be finite numbers"
                        : $"value {at} is a string, not a number";
                    break;
                default:
                    error ??= $"value {at} is {reader.TokenType.ToString().ToLowerInvariant()}, not a number";
                    reader.Skip();
                    break;
            }
            values.Add(value);
        }
        return new FeatureVector([.. values], error);
    }

    public override void Write(Utf8JsonWriter writer, FeatureVector value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var v in value.Values) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }
}
