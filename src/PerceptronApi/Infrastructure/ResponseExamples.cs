using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Response examples in the document, each a body the service really answered (most of them shown in docs/API.md too),
/// so Swagger UI shows what a client receives rather than a schema's placeholder values. An operation's own example
/// comes first, then its feature's (the gates or the training jobs), then one for the status.
/// </summary>
internal sealed class ResponseExamplesOperationFilter : IOperationFilter
{
    private static readonly Dictionary<(string Scope, string Status), string> Examples = new()
    {
        [("", "400")] = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"detail":"\"weights[1]\" must be a number.","instance":"/api/v1/predict","errors":{"weights[1]":["must be a number."]},"traceId":"00-a8c3d4b553a996c065f7a22371a38aff-a0777f49f8592075-00"}
            """,
        [("*training", "400")] = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"detail":"\"lr\" is not a query parameter of this route. Known: algorithm, activation, threshold, learningRate, maxEpochs, initialization, initialWeights.bias, initialWeights.weights, shuffle, seed, tolerance.","instance":"/api/v1/training-jobs","errors":{"lr":["is not a query parameter of this route. Known: algorithm, activation, threshold, learningRate, maxEpochs, initialization, initialWeights.bias, initialWeights.weights, shuffle, seed, tolerance."]},"traceId":"00-a94ab373ffb6f367bbc3d0aaf7886f19-7d72f5c8e26f9c00-00"}
            """,
        [("StreamTrainingJobEvents", "400")] = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"detail":"The Last-Event-ID header is not an epoch.","instance":"/api/v1/training-jobs/cc5ca5f3dd86d1c8457b44dce9a78d72/events","errors":{"Last-Event-ID":["must be the id (epoch) of an event received before (got \"x\")."]},"traceId":"00-c3b7006bdd5231d51640bdddd1d08d88-fc882fb39a35d41c-00"}
            """,
        [("", "401")] = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.2","title":"API key required","status":401,"detail":"The training-jobs routes need an API key: send \"Authorization: Bearer <key>\" or \"X-Api-Key: <key>\".","instance":"/api/v1/training-jobs","traceId":"00-92c72484c58e858c2171ca5c408bacd8-c592496f9af82858-00"}
            """,
        [("", "404")] = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not Found","status":404,"detail":"No route matches GET /api/v1/nothing. The routes are listed at /swagger.","instance":"/api/v1/nothing","traceId":"00-786958a7149737564f57cfe2f8392d87-ca0304fe07ea117b-00"}
            """,
        [("*gates", "404")] = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Gate not found","status":404,"detail":"Unknown gate \"foo\". Known gates: AND, OR, NAND, NOR, NOT, XOR, XNOR.","instance":"/api/v1/gates/foo","traceId":"00-ee62cf2b57d3514664d2f65513af48d8-fed217635920a632-00"}
            """,
        [("*training", "404")] = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Training job not found","status":404,"detail":"There is no training job nope. Jobs are kept for Training:MaxJobAge after they finish, at most Training:MaxRetainedJobs of them.","instance":"/api/v1/training-jobs/nope","traceId":"00-1c43ec59b71afa19c3efab26aed426e5-742d3af8d66b2460-00"}
            """,
        [("CancelTrainingJob", "409")] = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.10","title":"Job already finished","status":409,"detail":"Training job cc5ca5f3dd86d1c8457b44dce9a78d72 has already finished (succeeded); only queued or running jobs can be canceled.","instance":"/api/v1/training-jobs/cc5ca5f3dd86d1c8457b44dce9a78d72/cancel","traceId":"00-1f4bd8043382b8e9053a6f8812687aea-3577ba82e02aba22-00"}
            """,
        [("PredictWithTrainingJob", "409")] = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.10","title":"No trained model","status":409,"detail":"Training job 79ac2ab9d6bb93e602cd1be47e287044 is queued and has no result to predict with.","instance":"/api/v1/training-jobs/79ac2ab9d6bb93e602cd1be47e287044/predict","traceId":"00-da73906ddc64e8d01ab662f39864aefd-5585ab8a8beebb73-00"}
            """,
        [("", "413")] = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.14","title":"Request body too large","status":413,"detail":"The body is larger than 1048576 bytes (Limits:MaxRequestBodyBytes).","instance":"/api/v1/training-jobs","traceId":"00-9ee0a6f5dcac63569270b2e9ba33beba-22cad757b6b4518e-00"}
            """,
        [("", "415")] = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.16","title":"Unsupported Media Type","status":415,"detail":"The body must be sent as application/json (got text/plain).","instance":"/api/v1/predict","traceId":"00-9c6c8247bee940feca951ebfca16dcec-9a32fa932819daf2-00"}
            """,
        [("", "429")] = """
            {"type":"https://tools.ietf.org/html/rfc6585#section-4","title":"Too many requests","status":429,"detail":"This client sent 2 prediction request(s) in the last second, the limit (RateLimits:PredictionsPerSecond). Retry after 1 s.","instance":"/api/v1/gates/AND/predict","traceId":"00-b70e838ba5c299aa78205daf0e93ca66-06874c31c8c2b1af-00"}
            """,
        [("*training", "429")] = """
            {"type":"https://tools.ietf.org/html/rfc6585#section-4","title":"Too many requests","status":429,"detail":"This client submitted 2 training job(s) in the last minute, the limit (RateLimits:JobsPerMinute). Retry after 7 s.","instance":"/api/v1/training-jobs","traceId":"00-c8999b26caeba307645d6a8e8c861760-b9ad026686c007fb-00"}
            """,
        [("", "503")] = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.6.4","title":"Too many training jobs","status":503,"detail":"The queue is full: 1 job(s) wait for a worker (Training:MaxQueuedJobs). Retry after 1 s.","instance":"/api/v1/training-jobs","traceId":"00-a7fe4fbda954640e33f10676904616b5-80268ac5bbc9aa95-00"}
            """,
        [("Predict", "200")] = """
            {"activation":"step","threshold":0.5,"predictions":[{"inputs":[0,0],"z":0.4,"output":0,"expected":1,"error":1},{"inputs":[0,1],"z":0.2,"output":0,"expected":0,"error":0},{"inputs":[1,0],"z":1.1,"output":1,"expected":0,"error":-1},{"inputs":[1,1],"z":0.9000000000000001,"output":1,"expected":0,"error":-1}],"summary":{"count":4,"correct":1,"misclassified":3,"accuracy":0.25}}
            """,
        [("GetTrainingJob", "200")] = """
            {"id":"a2fc59a1ddf00e687b65074010bde06a","status":"succeeded","createdAt":"2026-12-02T18:57:58.1277262Z","startedAt":"2026-12-02T18:57:58.1651845Z","finishedAt":"2026-12-02T18:57:58.5910589Z","parameters":{"algorithm":"perceptron","activation":"step","threshold":0.5,"learningRate":0.1,"maxEpochs":100,"initialization":"zeros","shuffle":false,"seed":null,"samples":4,"features":2,"gate":"NOR"},"progress":{"epoch":8,"maxEpochs":100},"result":{"bias":0.5,"weights":[-0.1,-0.1],"converged":true,"stopReason":"converged","epochs":8,"errors":0,"accuracy":1,"loss":0.08250000000000002},"error":null,"statusReason":null,"cancelRequestedAt":null,"attempts":1,"owner":"alice"}
            """,
        [("StartTrainingJob", "202")] = """
            {"id":"dec6fd509d1c5eabb6d761d7a9530fe4","status":"queued","createdAt":"2026-12-02T18:57:04.5363581Z","startedAt":null,"finishedAt":null,"parameters":{"algorithm":"perceptron","activation":"step","threshold":0.5,"learningRate":0.1,"maxEpochs":100,"initialization":"zeros","shuffle":false,"seed":null,"samples":4,"features":2,"gate":"NOR"},"progress":{"epoch":0,"maxEpochs":100},"result":null,"history":[],"error":null,"statusReason":null,"cancelRequestedAt":null,"attempts":0}
            """,
        [("ListGates", "200")] = """
            [{"name":"AND","arity":2,"linearlySeparable":true,"description":"1 only when both inputs are 1. The tutorial's weights: w0 = -0.5, w1 = w2 = 0.6.","activation":"step","threshold":0.5,"layers":[[{"bias":-0.5,"weights":[0.6,0.6]}]]},{"name":"OR","arity":2,"linearlySeparable":true,"description":"1 when at least one input is 1: w0 = 0, w1 = w2 = 0.6.","activation":"step","threshold":0.5,"layers":[[{"bias":0,"weights":[0.6,0.6]}]]},{"name":"NAND","arity":2,"linearlySeparable":true,"description":"The negation of AND: 0 only when both inputs are 1. w0 = 1.5, w1 = w2 = -0.6.","activation":"step","threshold":0.5,"layers":[[{"bias":1.5,"weights":[-0.6,-0.6]}]]},{"name":"NOR","arity":2,"linearlySeparable":true,"description":"1 only when both inputs are 0. The tutorial's weights: w0 = 0.5, w1 = w2 = -0.6; (0,0) gives z = 0.5 exactly, and 0.5 >= 0.5.","activation":"step","threshold":0.5,"layers":[[{"bias":0.5,"weights":[-0.6,-0.6]}]]},{"name":"NOT","arity":1,"linearlySeparable":true,"description":"The negation of its one input: w0 = 0.5, w1 = -0.6.","activation":"step","threshold":0.5,"layers":[[{"bias":0.5,"weights":[-0.6]}]]},{"name":"XOR","arity":2,"linearlySeparable":false,"description":"1 when exactly one input is 1. Not linearly separable, so no single perceptron computes it: a hidden layer of OR and NAND feeds an AND.","activation":"step","threshold":0.5,"layers":[[{"bias":0,"weights":[0.6,0.6]},{"bias":1.5,"weights":[-0.6,-0.6]}],[{"bias":-0.5,"weights":[0.6,0.6]}]]},{"name":"XNOR","arity":2,"linearlySeparable":false,"description":"1 when both inputs are equal. Not linearly separable: a hidden layer of AND and NOR feeds an OR.","activation":"step","threshold":0.5,"layers":[[{"bias":-0.5,"weights":[0.6,0.6]},{"bias":0.5,"weights":[-0.6,-0.6]}],[{"bias":0,"weights":[0.6,0.6]}]]}]
            """,
        [("GetTrainingJobHistory", "200")] = """
            {"items":[{"epoch":6,"bias":0.4,"weights":[-0.1,-0.1],"updates":2,"errors":1,"accuracy":0.75,"loss":0.07250000000000001},{"epoch":7,"bias":0.5,"weights":[-0.1,-0.1],"updates":1,"errors":0,"accuracy":1,"loss":0.08250000000000002}],"next":"/api/v1/training-jobs/cc5ca5f3dd86d1c8457b44dce9a78d72/history?from=8&limit=2"}
            """,
        [("ListTrainingJobs", "200")] = """
            {"items":[{"id":"054673918a55300ee01260ac9b28feca","status":"succeeded","createdAt":"2026-12-02T18:58:07.9379295Z","startedAt":"2026-12-02T18:58:07.9433827Z","finishedAt":"2026-12-02T18:58:07.9447013Z","parameters":{"algorithm":"perceptron","activation":"step","threshold":0.5,"learningRate":0.1,"maxEpochs":100,"initialization":"zeros","shuffle":false,"seed":null,"samples":4,"features":2,"gate":"NOR"},"progress":{"epoch":8,"maxEpochs":100},"result":{"bias":0.5,"weights":[-0.1,-0.1],"converged":true,"stopReason":"converged","epochs":8,"errors":0,"accuracy":1,"loss":0.08250000000000002},"error":null,"statusReason":null,"cancelRequestedAt":null,"attempts":1,"owner":"alice"}],"next":"/api/v1/training-jobs?limit=1&cursor=1796237887937399"}
            """,
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var id = operation.OperationId ?? "";
        var feature = context.ApiDescription.RelativePath switch
        {
            { } path when path.StartsWith("api/v1/training-jobs", StringComparison.Ordinal) => "*training",
            { } path when path.StartsWith("api/v1/gates", StringComparison.Ordinal) => "*gates",
            _ => "",
        };
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response.Content is not { Count: > 0 } content
                || !(Examples.TryGetValue((id, status), out var example) || Examples.TryGetValue((feature, status), out example) || Examples.TryGetValue(("", status), out example)))
            {
                continue;
            }

            foreach (var media in content.Where(media => media.Key.Contains("json", StringComparison.Ordinal)).Select(media => media.Value).OfType<OpenApiMediaType>())
            {
                if (media.Example is null && media.Examples is not { Count: > 0 })
                {
                    media.Example = JsonNode.Parse(example);
                }
            }
        }
    }
}
