using System.Text.Json;
using System.Text.Json.Serialization;
using PerceptronApi.Gates;
using PerceptronApi.Predictions;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Serialization code generated at compile time for the answers of the busiest routes (predict and the gate
/// catalogue) and for a traced job's sample steps (many per epoch), so writing them takes no reflection. The runtime options of <see cref="JsonSetup"/> still apply.
/// Requests keep reflection-based metadata (built once per type): reading costs the same either way, and its error
/// messages name the .NET type of the field, which <see cref="JsonErrorMessages"/> turns into words.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(PredictResponse))]
[JsonSerializable(typeof(GateResponse))]
[JsonSerializable(typeof(GateResponse[]))]
[JsonSerializable(typeof(Core.Training.EpochTrace))]
internal sealed partial class ContractJsonContext : JsonSerializerContext;
