using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;
using PerceptronApi.Infrastructure;
using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Training.Redis;

/// <summary>
/// How snapshots and plans are written to Redis: the contract's JSON conventions, except that a field this replica
/// does not know is skipped, so replicas of a newer version can share the store during a rolling upgrade.
/// </summary>
internal static class RedisCodec
{
    private static readonly JsonSerializerOptions Options = Create();

    public static byte[] Write(JobSnapshot job) => JsonSerializer.SerializeToUtf8Bytes(job, Options);

    public static JobSnapshot ReadJob(byte[] json) => JsonSerializer.Deserialize<JobSnapshot>(json, Options)!;

    public static byte[] Write(TrainingPlan plan) => JsonSerializer.SerializeToUtf8Bytes(
        new StoredPlan(plan.Data.Samples, plan.Data.Features, Bits(plan.Data.Inputs.Data), Bits(plan.Data.Labels.AsSpan()), plan.Options, plan.Parameters, plan.Classes),
        Options);

    public static TrainingPlan ReadPlan(byte[] json)
    {
        StoredPlan stored;
        try
        {
            stored = JsonSerializer.Deserialize<StoredPlan>(json, Options)!;
        }
        catch (JsonException exception)
        {
            // A plan in another version's layout (builds before the bits layout wrote the numbers as decimals): no
            // worker of this version can ever read it, so it must not go back to the queue to fail again.
            throw new UnreadablePlanException(exception.Message);
        }

        if (stored.Inputs.Length != stored.Samples * stored.Features * sizeof(double) || stored.Labels.Length != stored.Samples * sizeof(double))
        {
            throw new UnreadablePlanException($"{stored.Inputs.Length} bytes of inputs and {stored.Labels.Length} of labels for {stored.Samples} samples of {stored.Features} features.");
        }

        var inputs = Doubles(stored.Inputs);
        var data = new TrainingSet(Matrix.FromRowMajor(inputs, stored.Samples, stored.Features), ImmutableCollectionsMarshal.AsImmutableArray(Doubles(stored.Labels)));
        return new TrainingPlan(data, stored.Options, stored.Parameters, stored.Classes);
    }

    // The numbers a job trains on travel as their IEEE 754 bits (base64 in the JSON): exact by construction, and a
    // 40 000 × 20 upload is copied rather than formatted and parsed again as 800 000 decimal numbers. Replicas share
    // the byte order of the machines .NET runs on (little-endian).
    private static byte[] Bits(ReadOnlySpan<double> values) => MemoryMarshal.AsBytes(values).ToArray();

    private static double[] Doubles(byte[] bits) => MemoryMarshal.Cast<byte, double>(bits).ToArray();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions();
        JsonSetup.Apply(options);
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        options.MaxDepth = 64;
        options.Converters.Add(new PerceptronConverter());
        return options;
    }

    /// <summary>
    /// A plan as stored: the samples row-major, so a large data set is one array (of bits, as the labels); a classes
    /// job's classes and each sample's class too, without which a worker would train its first class alone.
    /// </summary>
    private sealed record StoredPlan(int Samples, int Features, byte[] Inputs, byte[] Labels, TrainingOptions Options, JobParameters Parameters, Core.Classes.ClassAssignment? Classes = null);

    /// <summary>A unit as <c>{ "bias", "weights" }</c> (starting weights in the options).</summary>
    private sealed class PerceptronConverter : JsonConverter<Perceptron>
    {
        public override Perceptron Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var unit = JsonSerializer.Deserialize<Models.UnitDto>(ref reader, options)!;
            return unit.ToPerceptron();
        }

        public override void Write(Utf8JsonWriter writer, Perceptron value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, Models.UnitDto.From(value), options);
    }
}
