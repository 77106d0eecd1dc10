using System.Text.Json;
using System.Text.Json.Serialization;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Reads a JSON number as a double and refuses one beyond ±1.7976931348623157E+308 (such as <c>1e400</c>), which
/// System.Text.Json would otherwise read as infinity. Strict number handling already refuses strings and NaN.
/// </summary>
internal sealed class FiniteDoubleConverter : JsonConverter<double>
{
    public const string OutOfRange = "The JSON number is out of range for a finite number.";

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            // Without a message the serializer writes its usual one, with the path of the value.
            throw new JsonException();
        }

        var value = reader.GetDouble();
        return double.IsFinite(value) ? value : throw new JsonException(OutOfRange);
    }

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value);
}
