using System.Text.Json;
using System.Text.Json.Serialization;
using PerceptronApi.Core.Classes;

namespace PerceptronApi.Training;

/// <summary>A class label in JSON: a number or a string; anything else (null, true, an array, an object) is refused.</summary>
internal sealed class ClassLabelConverter : JsonConverter<ClassLabel>
{
    /// <summary>The start of the message a refused label's exception carries (JsonErrorMessages turns it into words).</summary>
    public const string NotALabel = "A label must be a number or a string.";

    // Null must reach Read, to be refused in words rather than as an unconvertible value.
    public override bool HandleNull => true;

    public override ClassLabel Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetDouble(out var number) && double.IsFinite(number) => ClassLabel.Of(number),
        JsonTokenType.String => ClassLabel.Of(reader.GetString()!),
        _ => throw new JsonException(NotALabel),
    };

    public override void Write(Utf8JsonWriter writer, ClassLabel value, JsonSerializerOptions options)
    {
        if (value.Name is { } name)
        {
            writer.WriteStringValue(name);
        }
        else
        {
            writer.WriteNumberValue(value.Number);
        }
    }
}
