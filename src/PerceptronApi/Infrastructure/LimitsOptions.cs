using System.ComponentModel.DataAnnotations;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Every resource a request can make the server spend, one setting each (configuration section <c>Limits</c>).
/// The README's configuration table lists them with these defaults.
/// </summary>
internal sealed class LimitsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Limits";

    /// <summary>The largest request body, in bytes (default 1 MiB); larger bodies get 413.</summary>
    [Range(1024, 1L << 30)]
    public long MaxRequestBodyBytes { get; set; } = 1 << 20;

    /// <summary>The most input rows in one prediction request (default 10 000).</summary>
    [Range(1, 1_000_000)]
    public int MaxPredictionRows { get; set; } = 10_000;

    /// <summary>The most inputs (features) per row a model may take (default 1 000).</summary>
    [Range(1, 100_000)]
    public int MaxInputWidth { get; set; } = 1_000;

    /// <summary>The widest model whose truth table is generated when no inputs are given: 2^n rows (default 12).</summary>
    [Range(1, 20)]
    public int MaxTruthTableWidth { get; set; } = 12;

    /// <summary>
    /// The most work in one prediction: rows × (the network's weights and biases + its hidden outputs) (default
    /// 10 000 000). It bounds the CPU time of computing and of writing the answer, which shows every hidden output.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxPredictionWork { get; set; } = 10_000_000;

    /// <summary>
    /// The most numbers in one prediction's answer: rows × (inputs + hidden outputs + 5) (default 1 000 000, about
    /// 20 MB of JSON at worst). It bounds the memory and bandwidth one answer takes.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxPredictionValues { get; set; } = 1_000_000;

    /// <summary>A prediction of at least this much work (see <see cref="MaxPredictionWork"/>) is heavy (default 100 000).</summary>
    [Range(1, long.MaxValue)]
    public long HeavyPredictionWork { get; set; } = 100_000;

    /// <summary>
    /// Heavy predictions computed and written at once; another gets 503 with Retry-After (default: the processor count,
    /// as each keeps a core busy).
    /// </summary>
    [Range(1, 10_000)]
    public int MaxConcurrentHeavyPredictions { get; set; } = Environment.ProcessorCount;

    /// <summary>The most layers in a network (default 8).</summary>
    [Range(1, 1_000)]
    public int MaxLayers { get; set; } = 8;

    /// <summary>The most units in one layer of a network (default 256).</summary>
    [Range(1, 100_000)]
    public int MaxUnitsPerLayer { get; set; } = 256;
}
