using System.Buffers;
using System.IO.Pipelines;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace PerceptronApi.Predictions;

/// <summary>
/// The body of <c>POST /api/v1/predict</c>, read with the framework's JSON options and answered, when it cannot be read,
/// with the exceptions the framework's own body reading throws (so the problems are the same). A small body, which is
/// whole in the server's buffer by the time the handler runs (a truth table's request is a few dozen bytes), is parsed
/// in one synchronous pass over those bytes: the serializer's asynchronous pipe reading, which the framework uses for
/// every body, cost this route more than the parsing itself. A larger or chunked body is still read that way, as it
/// streams in, under the server's body limit.
/// </summary>
/// <param name="Request">The request read from the body.</param>
internal sealed record PredictBody(PredictRequest Request) : IBindableFromHttpContext<PredictBody>
{
    /// <summary>A body declared at most this long is read whole before it is parsed.</summary>
    internal const int WholeBodyBytes = 64 * 1024;

    public static async ValueTask<PredictBody?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true)
        {
            // No body at all: the framework answers that the body was not provided.
            return null;
        }

        // The common media type is recognised without parsing the header; anything else goes to the framework's check.
        if (!string.Equals(request.ContentType, "application/json", StringComparison.OrdinalIgnoreCase) && !request.HasJsonContentType())
        {
            // The framework's message; the exception handler answers by the status.
            throw new BadHttpRequestException($"Expected a supported JSON media type but got \"{request.ContentType}\".", StatusCodes.Status415UnsupportedMediaType);
        }

        // From the endpoint, where it was resolved once: through RequestServices every request would open a service scope.
        var typeInfo = context.GetEndpoint()?.Metadata.GetMetadata<PredictBodyJson>()?.TypeInfo
            ?? PredictBodyJson.From(context.RequestServices).TypeInfo;
        try
        {
            var value = request.ContentLength is long length and <= WholeBodyBytes
                ? await ReadWholeAsync(request.BodyReader, length, typeInfo, context.RequestAborted)
                : await JsonSerializer.DeserializeAsync(request.BodyReader, typeInfo, context.RequestAborted);
            return value is null ? null : new PredictBody(value);
        }
        catch (JsonException exception)
        {
            throw new BadHttpRequestException($"Failed to read parameter \"{nameof(PredictRequest)} request\" from the request body as JSON.", StatusCodes.Status400BadRequest, exception);
        }
        catch (IOException exception) when (exception is not BadHttpRequestException)
        {
            throw new BadHttpRequestException("The request body could not be read.", StatusCodes.Status400BadRequest, exception);
        }
    }

    private static async ValueTask<PredictRequest?> ReadWholeAsync(PipeReader reader, long length, JsonTypeInfo<PredictRequest> typeInfo, CancellationToken aborted)
    {
        while (true)
        {
            var result = await reader.ReadAsync(aborted);
            var body = result.Buffer;
            if (result.IsCanceled)
            {
                // A read the server called off: not the end of the body (as the serializer's own reading treats it).
                reader.AdvanceTo(body.Start);
                throw new OperationCanceledException("The request body's read was canceled.");
            }

            if (body.Length < length && !result.IsCompleted)
            {
                reader.AdvanceTo(body.Start, body.End);
                continue;
            }

            byte[] copy;
            try
            {
                return Parse(body, typeInfo);
            }
            catch (JsonException)
            {
                copy = body.ToArray();
            }
            finally
            {
                reader.AdvanceTo(body.End);
            }

            // A body that cannot be read is read again the streaming way, for the error that way finds first: it looks
            // ahead over a whole value before converting it (so a value nested too deeply is named as that, not as the
            // wrong type of its first element). Only bodies in error pay for it.
            using var stream = new MemoryStream(copy, writable: false);
            return await JsonSerializer.DeserializeAsync(stream, typeInfo, aborted);
        }
    }

    private static PredictRequest? Parse(ReadOnlySequence<byte> body, JsonTypeInfo<PredictRequest> typeInfo)
    {
        if (body.IsSingleSegment)
        {
            return Deserialize(body.FirstSpan, typeInfo);
        }

        var length = (int)body.Length;
        var bytes = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(bytes);
            return Deserialize(bytes.AsSpan(0, length), typeInfo);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    // As the serializer's stream and pipe reading does, a UTF-8 byte order mark in front is skipped.
    private static PredictRequest? Deserialize(ReadOnlySpan<byte> json, JsonTypeInfo<PredictRequest> typeInfo) =>
        JsonSerializer.Deserialize(json.StartsWith("\uFEFF"u8) ? json[3..] : json, typeInfo);
}

/// <summary>
/// The JSON contract <see cref="PredictBody"/> reads with (the framework's JSON options), kept on the endpoint as
/// metadata so a request finds it without resolving a service.
/// </summary>
/// <param name="TypeInfo">The request's type info from the configured serializer options.</param>
internal sealed record PredictBodyJson(JsonTypeInfo<PredictRequest> TypeInfo)
{
    public static PredictBodyJson From(IServiceProvider services) =>
        new((JsonTypeInfo<PredictRequest>)services.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions.GetTypeInfo(typeof(PredictRequest)));
}
