using PerceptronApi.Core.Training;

namespace PerceptronApi.Training;

/// <summary>
/// The size of the network a backpropagation request asks for, before it is built: the limits count every bias and
/// weight of every layer (a record holds them all; an epoch touches each once per sample).
/// </summary>
/// <param name="HiddenLayers">The hidden layers' sizes (from hiddenLayers, else from initialLayers).</param>
/// <param name="Values">Biases and weights in all layers: Σ units × (inputs + 1), the output unit included.</param>
internal sealed record NetworkShape(IReadOnlyList<int> HiddenLayers, long Values)
{
    /// <summary>The shape, or null when the request trains one perceptron.</summary>
    public static NetworkShape? Of(TrainingJobRequest request, int features)
    {
        if (request.Algorithm != TrainingAlgorithm.Backpropagation)
        {
            return null;
        }

        IReadOnlyList<int> hidden = request.HiddenLayers
            ?? (request.InitialLayers is { Count: > 1 } layers ? [.. layers.Take(layers.Count - 1).Select(layer => layer?.Count ?? 0)] : []);
        var values = 0L;
        var width = (long)features;
        foreach (var size in hidden.Append(1))
        {
            // Sizes the core will refuse still count as asked, so an absurd size meets the limit first.
            var units = Math.Max(0L, size);
            values += units * (width + 1);
            width = units;
        }

        return new NetworkShape(hidden, values);
    }
}
