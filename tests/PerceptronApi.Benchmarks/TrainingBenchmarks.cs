using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Benchmarks;

/// <summary>
/// Our trainers and batch predict against ML.NET's AveragedPerceptronTrainer on identical data (10 epochs, no shuffle),
/// and a plain array sum over the same number of bytes as the memory-bandwidth yardstick.
/// </summary>
[Config(typeof(BenchmarkConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class TrainingBenchmarks
{
    public const int Epochs = 10;

    private TrainingSet _set = null!;
    private MLContext _ml = null!;
    private IDataView _mlData = null!;
    private BinaryPredictionTransformer<LinearBinaryModelParameters> _mlModel = null!;
    private Network _network = null!;
    private double[] _sumData = [];

    [Params(100_000, 1_000_000)]
    public int Samples { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (ours, mlSamples) = BenchmarkData.Create(Samples);
        _set = ours;
        _ml = new MLContext(seed: 1);

        // Cached in memory, as ML.NET recommends for multi-pass trainers: ML.NET at its best.
        _mlData = _ml.Data.Cache(_ml.Data.LoadFromEnumerable(mlSamples));
        _mlModel = MlTrainer().Fit(_mlData);
        var result = Trainer.Train(_set, Options(TrainingAlgorithm.Perceptron));
        if (result.Epochs != Epochs)
        {
            throw new InvalidOperationException($"The benchmark data should need all {Epochs} epochs (ran {result.Epochs}).");
        }

        _network = new Network(result.Model, result.Activation);
        _sumData = [.. _set.Inputs.Data];
    }

    private AveragedPerceptronTrainer MlTrainer() => _ml.BinaryClassification.Trainers.AveragedPerceptron(
        new AveragedPerceptronTrainer.Options { NumberOfIterations = Epochs, Shuffle = false, LabelColumnName = "Label", FeatureColumnName = "Features" });

    private static TrainingOptions Options(TrainingAlgorithm algorithm) =>
        new() { Algorithm = algorithm, MaxEpochs = Epochs, LearningRate = 0.1 };

    [Benchmark(Baseline = true, Description = "ML.NET AveragedPerceptron")]
    [BenchmarkCategory("Train")]
    public object TrainMlNet() => MlTrainer().Fit(_mlData);

    [Benchmark(Description = "Trainer perceptron")]
    [BenchmarkCategory("Train")]
    public TrainingResult TrainPerceptron() => Trainer.Train(_set, Options(TrainingAlgorithm.Perceptron));

    [Benchmark(Description = "Trainer averaged")]
    [BenchmarkCategory("Train")]
    public TrainingResult TrainAveraged() => Trainer.Train(_set, Options(TrainingAlgorithm.Averaged));

    [Benchmark(Description = "Trainer adaline")]
    [BenchmarkCategory("Train")]
    public TrainingResult TrainAdaline() => Trainer.Train(_set, Options(TrainingAlgorithm.Adaline) with { LearningRate = 0.01 });

    [Benchmark(Baseline = true, Description = "ML.NET Transform + read PredictedLabel")]
    [BenchmarkCategory("Predict")]
    public int PredictMlNet()
    {
        var predictions = _mlModel.Transform(_mlData);
        var positives = 0;
        foreach (var label in predictions.GetColumn<bool>("PredictedLabel"))
        {
            positives += label ? 1 : 0;
        }

        return positives;
    }

    [Benchmark(Description = "Predictor.Predict")]
    [BenchmarkCategory("Predict")]
    public PredictionBatch PredictOurs() => Predictor.Predict(_network, _set.Inputs);

    /// <summary>Reads every input value once, as fast as it can: the memory-bandwidth yardstick.</summary>
    [Benchmark(Baseline = true, Description = "Array sum (bandwidth)")]
    [BenchmarkCategory("Bandwidth")]
    public double SumArray()
    {
        var data = _sumData;
        Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default;
        var i = 0;
        for (; i <= data.Length - 16; i += 16)
        {
            s0 += Vector256.Create(data.AsSpan(i, 4));
            s1 += Vector256.Create(data.AsSpan(i + 4, 4));
            s2 += Vector256.Create(data.AsSpan(i + 8, 4));
            s3 += Vector256.Create(data.AsSpan(i + 12, 4));
        }

        var sum = Vector256.Sum(s0 + s1 + s2 + s3);
        for (; i < data.Length; i++)
        {
            sum += data[i];
        }

        return sum;
    }
}
