using System.Buffers;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using PerceptronApi.Infrastructure;

namespace PerceptronApi.Predictions;

/// <summary>
/// A 200 answer with a <see cref="PredictResponse"/>, written by the serializer code generated for it
/// (<see cref="ContractJsonContext"/>): the answer has no enum or custom-converted value, so it needs none of the
/// runtime options' converters, and the generated code writes it straight out without the general serializer's
/// per-object bookkeeping. The same JSON as <c>TypedResults.Ok</c>, declared the same way in OpenAPI.
/// </summary>
internal sealed class PredictionResult(PredictResponse value) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult<PredictResponse>, IValueHttpResult
{
    public PredictResponse Value { get; } = value;

    object? IValueHttpResult.Value => Value;

    public int? StatusCode => StatusCodes.Status200OK;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        if (!IsSmall(Value))
        {
            return response.WriteAsJsonAsync(Value, ContractJsonContext.Default.PredictResponse, contentType: null, httpContext.RequestAborted);
        }

        // A small answer (the common one: a truth table) is serialized in one synchronous pass into a buffer of this
        // thread, then copied to the response with its Content-Length: no asynchronous serializer, no chunked framing.
        // Large answers keep the flushing writer, so none sits whole in memory.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(InitialBufferBytes);
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        JsonSerializer.Serialize(writer, Value, ContractJsonContext.Default.PredictResponse);
        response.ContentType = JsonContentType;
        response.ContentLength = buffer.WrittenCount;
        response.BodyWriter.Write(buffer.WrittenSpan);
        return Task.CompletedTask;
    }

    private const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>At most this many numbers go out in one unflushed write (about 100 KB of JSON).</summary>
    private const int SmallAnswerValues = 4_096;

    private const int InitialBufferBytes = 4_096;

    // One buffer and writer per thread: serialization is synchronous, so a thread never uses two at once.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private static bool IsSmall(PredictResponse response)
    {
        var rows = response.Predictions;
        if (rows.Count == 0)
        {
            return true;
        }

        var first = rows[0];
        var perRow = first.Inputs.Count + PredictionPlanner.AnswerValuesPerRow;
        if (first.Hidden is { } hidden)
        {
            foreach (var layer in hidden)
            {
                perRow += layer.Count;
            }
        }

        return (long)rows.Count * perRow <= SmallAnswerValues;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(PredictResponse), ["application/json"]));
    }
}
