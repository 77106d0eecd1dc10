using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace PerceptronApi.Tests.Hardening;

/// <summary>One generated request: a POST route, its Content-Type (or none) and a body around the contract.</summary>
public sealed record FuzzCase(string Route, string? ContentType, string Body)
{
    public override string ToString() => $"POST {Route} [{ContentType ?? "no Content-Type"}] {(Body.Length > 400 ? Body[..400] + "…" : Body)}";
}

/// <summary>
/// Makes requests near the contract from a seed: a valid body per route, then mutated (a value of the wrong type, a
/// huge or tiny number, unicode, a field removed, added or miscased, a duplicate, the text truncated or a byte
/// changed, many rows), sent with a Content-Type from the accepted spellings and beyond.
/// </summary>
public static class RequestFuzz
{
    private static readonly string[] PredictBodies =
    [
        """{ "bias": 0.4, "weights": [0.7, -0.2], "target": "NOR" }""",
        """{ "bias": -0.5, "weights": [0.6, 0.6], "activation": "sigmoid", "inputs": [[0, 1], [1, 1]] }""",
        """{ "gate": "XOR", "inputs": [[0, 1], [1, 1]], "expected": [1, 0] }""",
        """{ "layers": [[{ "bias": 0, "weights": [0.6, 0.6] }, { "bias": 1.5, "weights": [-0.6, -0.6] }], [{ "bias": -0.5, "weights": [0.6, 0.6] }]], "target": "XOR" }""",
        """{ "bias": 0, "weights": [1, -1, 0.5], "activation": "sign", "threshold": 0, "expected": [1, 1, -1, 1, 1, 1, -1, 1] }""",
    ];

    private static readonly string[] InputsBodies =
    [
        "",
        "{}",
        """{ "inputs": [[1, 1], [0, 1]], "expected": [1, 0] }""",
        """{ "target": "AND" }""",
    ];

    private static readonly string[] TrainingBodies =
    [
        """{ "gate": "NOR" }""",
        """{ "gate": "XOR", "algorithm": "pocket", "maxEpochs": 20 }""",
        """{ "inputs": [[5.1, 1.4], [7.0, 4.7], [4.9, 1.5]], "labels": [0, 1, 0], "algorithm": "adaline", "learningRate": 0.01, "maxEpochs": 50, "tolerance": 1e-9 }""",
        """{ "gate": "NOR", "initialWeights": { "bias": 0.4, "weights": [0.7, -0.2] }, "shuffle": true, "seed": 42 }""",
        """{ "inputs": [[0, 0], [1, 1]], "labels": [-1, 1], "activation": "sign", "algorithm": "averaged", "initialization": "random", "seed": 7 }""",
    ];

    private static readonly string[] CsvBodies =
    [
        "x1,x2,label\n0,0,1\n0,1,0\n1,0,0\n1,1,0\n",
        "0,0,0\n0,1,1\n1,0,1\n1,1,1\n",
        "a,b,c,label\n1.5,2,3,1\n-1,0,1e3,0\n",
    ];

    private static readonly string[] AcceptedJsonTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/json; charset=\"UTF-8\"", "application/json;charset=UTF8",
    ];

    private static readonly string?[] ContentTypes =
    [
        "application/json", "application/json", "application/json", "application/json; charset=utf-8",
        "application/json; charset=\"UTF-8\"", "application/json; charset=utf8", "application/json; charset=utf-16",
        "application/json; charset=latin1", "application/json; charset=", "application/json; charset=\"\"", "application/json; charset=x-unknown",
        "application/json; charset=utf-7", "text/plain", "text/csv", "application/x-www-form-urlencoded", "application/json; v=1", "*/*",
        "application/problem+json", null, "application/json; charset=\"utf-8", "application/jsonx",
    ];

    private static readonly string[] Strings =
    [
        "", "x", "0.5", "NOR", "nor", "AND ", "é中😀", "\\u0000", "\\ud800", "\\udfff\\ud800", "\u202e", new('a', 3000),
        "step", "perceptron", "random", "zeros", "sigmoid",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "0.1", "1e308", "-1e308", "1.7976931348623157e308", "5e-324", "-5e-324", "1e-320", "1e400", "-1e400",
        "123456789012345678901234567890", "2147483647", "2147483648", "-2147483649", "9007199254740993", "1E2", "0.5", "1e-9",
    ];

    private static readonly string[] FieldNames =
    [
        "bias", "weights", "gate", "layers", "inputs", "expected", "target", "activation", "threshold", "labels", "algorithm",
        "learningRate", "maxEpochs", "initialization", "initialWeights", "shuffle", "seed", "tolerance", "BIAS", "Weights",
        "learning_rate", "x", "", "é", "$type", "__proto__",
    ];

    /// <summary>The case made from <paramref name="seed"/> for a server whose finished job is <paramref name="jobId"/>.</summary>
    public static FuzzCase Make(int seed, string jobId)
    {
        var random = new Random(seed);
        var (route, bodies, csv) = random.Next(10) switch
        {
            < 3 => ("/api/v1/predict", PredictBodies, false),
            3 => ($"/api/v1/gates/{Pick(random, ["AND", "xor", "NOT", "MAYBE", "%C3%A9", new string('G', 300)])}/predict", InputsBodies, false),
            < 6 => ("/api/v1/training-jobs", TrainingBodies, false),
            6 => ("/api/v1/training-jobs" + CsvQuery(random), CsvBodies, true),
            7 => ($"/api/v1/training-jobs/{(random.Next(4) == 0 ? "0123456789abcdef0123456789abcdef" : jobId)}/predict", InputsBodies, false),
            8 => ($"/api/v1/training-jobs/{jobId}/cancel", InputsBodies, false),
            _ => ("/api/v1/predict", PredictBodies, false),
        };

        var body = Pick(random, bodies);
        var mutations = random.Next(4);
        for (var i = 0; i < mutations; i++)
        {
            body = csv ? MutateText(random, body, csv: true) : Mutate(random, body);
        }

        var contentType = csv && random.Next(3) > 0 ? Pick(random, ["text/csv", "text/csv; charset=UTF-8", "text/csv; charset=latin1"]) : random.Next(5) < 3 ? Pick(random, AcceptedJsonTypes) : Pick(random, ContentTypes);
        return new FuzzCase(route, contentType, body);
    }

    private static string Mutate(Random random, string body)
    {
        if (random.Next(4) == 0 || Parse(body) is not { } root)
        {
            return MutateText(random, body, csv: false);
        }

        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var node = nodes[random.Next(nodes.Count)];
        switch (random.Next(6))
        {
            case 0:
                Replace(root, node, RandomValue(random, depth: 0));
                break;
            case 1 when node.Parent is JsonObject parent:
                parent.Remove(node.GetPropertyName());
                break;
            case 2 when root is JsonObject target:
                target[Pick(random, FieldNames) + (random.Next(5) == 0 ? "2" : "")] = RandomValue(random, depth: 0);
                break;
            case 3 when node is JsonArray array && array.Count > 0:
                // Many rows or values: the same element repeated.
                var element = array[random.Next(array.Count)]?.ToJsonString() ?? "null";
                for (var i = random.Next(1, 200); i > 0; i--)
                {
                    array.Add(JsonNode.Parse(element));
                }

                break;
            case 4 when node.Parent is JsonObject:
                // The same property twice, which the parser refuses.
                var text = root.ToJsonString();
                var name = node.GetPropertyName();
                return text.Replace($"\"{name}\":", $"\"{name}\":{RandomValue(random, depth: 1)?.ToJsonString() ?? "null"},\"{name}\":", StringComparison.Ordinal);
            default:
                Replace(root, node, JsonNode.Parse(Pick(random, Numbers)));
                break;
        }

        return root.ToJsonString();
    }

    private static string MutateText(Random random, string body, bool csv)
    {
        if (body.Length == 0)
        {
            return Pick<string>(random, csv ? ["\n", ",,", "a"] : ["{", "[]", "null", "\"x\"", "1"]);
        }

        var at = random.Next(body.Length);
        return random.Next(5) switch
        {
            0 => body[..at],
            1 => body.Remove(at, 1),
            2 => body.Insert(at, Pick<string>(random, csv ? [",", "\n", "\"", "x", "1e400", "NaN", "é", "\r", ";"] : ["{", "}", "[", "]", ",", ":", "\"", "\\", "NaN", "-", "é", "\u0000", " "])),
            3 => body.Insert(at, csv ? string.Join(",", Enumerable.Repeat("1", random.Next(1, 50))) + "\n" : Pick(random, Numbers)),
            _ => body.Replace(body[at], Pick<char>(random, csv ? ['0', ',', '\n', 'x'] : ['0', '"', '[', 'e', '-'])),
        };
    }

    private static string CsvQuery(Random random)
    {
        if (random.Next(2) == 0)
        {
            return "";
        }

        var parameters = new[] { "algorithm=pocket", "maxEpochs=5", "learningRate=0.5", "maxEpochs=-1", "learningRate=x", "seed=1e9", "unknown=1", "shuffle=maybe", "maxEpochs=99999999999" };
        return "?" + string.Join("&", Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pick(random, parameters)));
    }

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth > 2 ? 4 : 7) switch
    {
        0 => JsonValue.Create(Pick(random, Strings).Replace("\\u0000", "\0", StringComparison.Ordinal)),
        1 => JsonNode.Parse(Pick(random, Numbers)),
        2 => random.Next(2) == 0 ? JsonValue.Create(random.Next(2) == 0) : null,
        3 => JsonNode.Parse(random.NextDouble().ToString("R", CultureInfo.InvariantCulture)),
        4 => new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1))]),
        5 => new JsonArray([.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => (JsonNode)new JsonArray([.. Enumerable.Range(0, random.Next(3)).Select(_ => RandomValue(random, depth + 2))]))]),
        _ => new JsonObject { [Pick(random, FieldNames)] = RandomValue(random, depth + 1) },
    };

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
        }
    }

    private static void Replace(JsonNode root, JsonNode node, JsonNode? value)
    {
        switch (node.Parent)
        {
            case JsonObject parent:
                parent[node.GetPropertyName()] = value;
                break;
            case JsonArray array:
                array[node.GetElementIndex()] = value;
                break;
            default:
                if (root is JsonObject obj)
                {
                    obj.Clear();
                }

                break;
        }
    }

    /// <summary>The body as a tree, or null once an earlier mutation broke it (then only its text is mutated).</summary>
    private static JsonNode? Parse(string body)
    {
        try
        {
            // Walked once here: a duplicate property only shows when an object is first enumerated.
            var root = JsonNode.Parse(body);
            Collect(root!, []);
            return root;
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>The body's bytes: UTF-8, as the accepted charsets say.</summary>
    public static byte[] Bytes(FuzzCase fuzz) => Encoding.UTF8.GetBytes(fuzz.Body);
}
