using CsCheck;
using PerceptronApi.Core.Gates;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Tests.Training;

public class TraceTests
{
    private static readonly Gen<Scenario> Traced = Scenario.Any.Select(s => s with
    {
        Options = s.Options with
        {
            Algorithm = s.Options.Algorithm == TrainingAlgorithm.Adaline ? TrainingAlgorithm.Perceptron : s.Options.Algorithm,
            LearningRate = s.Options.Algorithm == TrainingAlgorithm.Adaline ? 0.1 : s.Options.LearningRate,
            Tolerance = null,
            Trace = true,
            Seed = s.Options.Seed ?? 5,
        },
    });

    [Fact]
    public void Train_Traced_EveryStepIsThePlainRulesStepFromTheWeightsBeforeIt()
    {
        Traced.Sample(scenario =>
        {
            var options = scenario.Options;
            var history = new List<EpochRecord>();
            var traces = new List<EpochTrace>();
            Trainer.Train(scenario.Set, options, history.Add, traces.Add);

            var threshold = options.Threshold ?? (options.Activation == Activation.Sign ? 0.0 : 0.5);
            var negative = options.Activation == Activation.Sign ? -1.0 : 0.0;
            var m = scenario.Rows.Length;

            // The running perceptron starts where epoch 0 says (for averaged too: nothing is averaged yet).
            var bias = history[0].Bias;
            var weights = history[0].Weights.ToArray();
            Assert.Equal(history.Count - 1, traces.Count);
            for (var e = 0; e < traces.Count; e++)
            {
                var trace = traces[e];
                Assert.Equal(e + 1, trace.Epoch);
                Assert.Equal(Enumerable.Range(0, m), trace.Steps.Select(step => step.Step));
                Assert.Equal(Enumerable.Range(0, m), trace.Steps.Select(step => step.Sample).Order());
                if (!options.Shuffle)
                {
                    Assert.Equal(Enumerable.Range(0, m), trace.Steps.Select(step => step.Sample));
                }

                foreach (var step in trace.Steps)
                {
                    var x = scenario.Rows[step.Sample];
                    var z = ReferenceTrainer.NetInput(bias, weights, x);
                    var output = z >= threshold ? 1.0 : negative;
                    var error = scenario.Labels[step.Sample] - output;
                    if (error != 0)
                    {
                        bias += options.LearningRate * error;
                        for (var j = 0; j < weights.Length; j++)
                        {
                            weights[j] += options.LearningRate * error * x[j];
                        }
                    }

                    Assert.Equal(x, step.Inputs.ToArray());
                    Assert.Equal((z, output, scenario.Labels[step.Sample], error, error != 0), (step.Z, step.Output, step.Expected, step.Error, step.Updated));
                    Assert.Equal(BitConverter.DoubleToInt64Bits(bias), BitConverter.DoubleToInt64Bits(step.Bias));
                    Assert.Equal(weights.Select(BitConverter.DoubleToInt64Bits), step.Weights.Select(BitConverter.DoubleToInt64Bits));
                }

                Assert.Equal(trace.Steps.Count(step => step.Updated), history[e + 1].Updates);
                if (options.Algorithm != TrainingAlgorithm.Averaged)
                {
                    // The record reports the running perceptron: the last step's weights.
                    Assert.Equal(history[e + 1].Bias, trace.Steps[^1].Bias);
                    Assert.Equal(history[e + 1].Weights.ToArray(), trace.Steps[^1].Weights.ToArray());
                }
            }
        }, iter: 150);
    }

    [Fact]
    public void Train_Traced_GivesTheFastPathsRecordsAndResult()
    {
        Traced.Sample(scenario =>
        {
            var traced = new List<EpochRecord>();
            var fast = new List<EpochRecord>();

            var tracedResult = Trainer.Train(scenario.Set, scenario.Options, traced.Add, _ => { });
            var fastResult = Trainer.Train(scenario.Set, scenario.Options with { Trace = false }, fast.Add);

            ReferenceEquivalenceTests.AssertSameHistory(fast, traced);
            Assert.Equal((fastResult.Model, fastResult.StopReason, fastResult.Errors, fastResult.Loss, fastResult.Cycle), (tracedResult.Model, tracedResult.StopReason, tracedResult.Errors, tracedResult.Loss, tracedResult.Cycle));
        }, iter: 150);
    }

    [Fact]
    public void Train_TracedNorFromTheTutorialsGuess_ShowsTheTableRowByRow()
    {
        Assert.True(GateCatalogue.TryGet("NOR", out var nor));
        var traces = new List<EpochTrace>();

        Trainer.Train(new TrainingSet(nor.TruthTableInputs, nor.TruthTableOutputs), new TrainingOptions { InitialWeights = new Perceptron(0.4, 0.7, -0.2), Trace = true, MaxEpochs = 1 }, null, traces.Add);

        // z = 0.4 + 0.7·x1 − 0.2·x2 before each step; (0,0) is wrong (0.4 < 0.5), and the update moves every later z.
        var steps = Assert.Single(traces).Steps;
        Assert.Equal(
            [
                (0, 0.4, 0.0, 1.0, 1.0, true, 0.5, 0.7, -0.2),
                (1, 0.3, 0.0, 0.0, 0.0, false, 0.5, 0.7, -0.2),
                (2, 1.2, 1.0, 0.0, -1.0, true, 0.4, 0.6, -0.2),
                (3, 0.8, 1.0, 0.0, -1.0, true, 0.30000000000000004, 0.5, -0.30000000000000004),
            ],
            steps.Select(s => (s.Sample, Math.Round(s.Z, 12), s.Output, s.Expected, s.Error, s.Updated, s.Bias, s.Weights[0], s.Weights[1])));
    }

    [Theory]
    [InlineData(TrainingAlgorithm.Adaline)]
    [InlineData(TrainingAlgorithm.Backpropagation)]
    public void Validate_TraceWithABatchAlgorithm_NamesTrace(TrainingAlgorithm algorithm)
    {
        Assert.True(GateCatalogue.TryGet("AND", out var and));
        var options = TrainingOptions.Defaults(algorithm) with { Trace = true, HiddenLayers = algorithm == TrainingAlgorithm.Backpropagation ? [2] : [] };

        var issues = Trainer.Validate(new TrainingSet(and.TruthTableInputs, and.TruthTableOutputs), options);

        Assert.Equal([new ValidationIssue("trace", $"applies only to the perceptron, pocket and averaged algorithms, whose steps are per sample; leave it out for {EnumNames.Of(algorithm)}")], issues);
    }
}
