using PerceptronApi.Core.Classes;
using PerceptronApi.Core.Gates;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;
using PerceptronApi.Infrastructure;
using PerceptronApi.Models;

namespace PerceptronApi.Training;

/// <summary>The request and answer examples the OpenAPI document shows for the job routes.</summary>
internal static class TrainingJobExamples
{
    public const string Csv = "x1,x2,label\n0,0,1\n0,1,0\n1,0,0\n1,1,0\n";

    public static RequestExample[] Start { get; } =
    [
        new("NOR", "The tutorial's NOR gate from zeros, η 0.1: converges at epoch 8", new TrainingJobRequest { Gate = "NOR" }),
        new("guess-NOR", "Start from the tutorial's guessed weights (0.4, 0.7, -0.2)", new TrainingJobRequest
        {
            Gate = "NOR",
            InitialWeights = new UnitDto(0.4, [0.7, -0.2]),
        }),
        new("XOR-pocket", "XOR is not separable: the pocket keeps the best weights (3 of 4)", new TrainingJobRequest
        {
            Gate = "XOR",
            Algorithm = TrainingAlgorithm.Pocket,
            MaxEpochs = 20,
        }),
        new("own-data", "Your own samples with ADALINE and a loss tolerance", new TrainingJobRequest
        {
            Inputs = [[5.1, 1.4], [7.0, 4.7], [4.9, 1.5], [6.4, 4.5]],
            Labels = [ClassLabel.Of(0), ClassLabel.Of(1), ClassLabel.Of(0), ClassLabel.Of(1)],
            Algorithm = TrainingAlgorithm.Adaline,
            LearningRate = 0.01,
            MaxEpochs = 1000,
            Tolerance = 1e-9,
        }),
    ];

    /// <summary>
    /// Epoch 1 of the tutorial's NOR from its guessed weights, traced: trained by the core when the document is made,
    /// so the example is what the route answers for that job.
    /// </summary>
    public static object Steps()
    {
        GateCatalogue.TryGet("NOR", out var nor);
        EpochTrace? first = null;
        Trainer.Train(
            new TrainingSet(nor!.TruthTableInputs, nor.TruthTableOutputs),
            new TrainingOptions { InitialWeights = new Perceptron(0.4, 0.7, -0.2), MaxEpochs = 1, Trace = true },
            onEpoch: null,
            onTrace: trace => first = trace);
        return first!;
    }

    public static RequestExample[] Predict { get; } =
    [
        new("truth-table", "No inputs: every binary row (a gate's truth table)", new JobPredictRequest()),
        new("check", "The trained NOR model against NOR", new JobPredictRequest { Target = "NOR" }),
        new("classes", "A classes job's rows with their expected labels", new JobPredictRequest
        {
            Inputs = [[5.1, 1.4], [6.4, 4.5], [6.3, 6.0]],
            Expected = [ClassLabel.Of("setosa"), ClassLabel.Of("versicolor"), ClassLabel.Of("virginica")],
        }),
    ];
}
