using System.Collections.Immutable;
using Microsoft.ML.Data;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Benchmarks;

/// <summary>One sample as ML.NET reads it: the same values as ours, as float (ML.NET's only feature type).</summary>
public sealed class MlSample
{
    [VectorType(BenchmarkData.Features)]
    public float[] Features { get; set; } = [];

    public bool Label { get; set; }
}

/// <summary>
/// The shared data set: features uniform in [−1, 1), labels from a fixed random hyperplane with 5 % of them flipped,
/// so the data is not separable and every run does all its epochs (and keeps updating, as real data does).
/// </summary>
public static class BenchmarkData
{
    public const int Features = 20;

    public static (TrainingSet Ours, MlSample[] MlNet) Create(int samples, int seed = 20240601)
    {
        var random = new Random(seed);
        var plane = Enumerable.Range(0, Features).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
        var offset = (random.NextDouble() * 0.4) - 0.2;
        var values = new double[samples * Features];
        var labels = new double[samples];
        var ml = new MlSample[samples];
        for (var i = 0; i < samples; i++)
        {
            var z = offset;
            var features = new float[Features];
            for (var j = 0; j < Features; j++)
            {
                // Values that are exact in float too, so both libraries read identical numbers.
                var x = (float)((random.NextDouble() * 2) - 1);
                values[(i * Features) + j] = x;
                features[j] = x;
                z += plane[j] * x;
            }

            var label = z >= 0;
            if (random.NextDouble() < 0.05)
            {
                label = !label;
            }

            labels[i] = label ? 1 : 0;
            ml[i] = new MlSample { Features = features, Label = label };
        }

        return (new TrainingSet(Matrix.FromRowMajor(values, samples, Features), ImmutableArray.Create(labels)), ml);
    }
}
