using System.Text.Json;
using System.Text.Json.Serialization;
using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Training;

/// <summary>
/// An epoch record in a response, written as the JSON it was stored as (the shape of
/// <see cref="Core.Training.EpochRecord"/>): a record is serialized once, when it is made, however often it is read.
/// </summary>
[JsonConverter(typeof(RecordJsonConverter))]
public sealed class RecordJson
{
    internal RecordJson(ReadOnlyMemory<byte> json) => Json = json;

    internal ReadOnlyMemory<byte> Json { get; }

    internal static IReadOnlyList<RecordJson> From(IReadOnlyList<JobRecord> records) => [.. records.Select(r => new RecordJson(r.Json))];
}

/// <summary>Writes a stored record as it is; records are never read from a request.</summary>
internal sealed class RecordJsonConverter : JsonConverter<RecordJson>
{
    public override RecordJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Epoch records are only written.");

    // The bytes came from the serializer itself, so they need no second check.
    public override void Write(Utf8JsonWriter writer, RecordJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Json.Span, skipInputValidation: true);
}
