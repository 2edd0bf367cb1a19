using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RqVae.Service.Contracts;

/// <summary>
/// A feature vector as the request gave it: a JSON array of numbers, or a string holding the vector's bytes as
/// little-endian float32 in base64 (numpy: <c>base64.b64encode(v.astype("&lt;f4").tobytes())</c>), which is under half
/// the text of a decimal array, needs no number parsing and reads exactly the floats the client had. Reading never
/// fails on a bad value (a NaN or infinity, a number beyond float range, a string that is not a vector): it keeps the
/// first problem in <see cref="Error"/>, so one bad item becomes an error in its own result instead of failing the batch.
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
        if (reader.TokenType == JsonTokenType.String) return FromBase64(ref reader);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return new FeatureVector([], "must be an array of numbers or a base64 string of little-endian float32 values");
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

    private static FeatureVector FromBase64(ref Utf8JsonReader reader)
    {
        // The decoded bytes are at most three quarters of the text; a vector that does not fit is not a vector of ours.
        var text = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray();
        if (reader.ValueIsEscaped) text = System.Text.Encoding.UTF8.GetBytes(reader.GetString()!);
        var bytes = new byte[(text.Length * 3 / 4) + 3];
        if (System.Buffers.Text.Base64.DecodeFromUtf8(text, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
            return new FeatureVector([], "is a string but not base64; send an array of numbers or the base64 of little-endian float32 values");
        if (written % sizeof(float) != 0)
            return new FeatureVector([], $"decodes to {written} bytes, not a whole number of 4-byte float32 values");
        var values = new float[written / sizeof(float)];
        for (var i = 0; i < values.Length; i++) values[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        var bad = Array.FindIndex(values, v => !float.IsFinite(v));
        return new FeatureVector(values, bad < 0 ? null : $"value {bad} is {values[bad].ToString(CultureInfo.InvariantCulture)}; features must be finite numbers");
    }

    public override void Write(Utf8JsonWriter writer, FeatureVector value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var v in value.Values) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }
}
