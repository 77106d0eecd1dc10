using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Tests.Training;

public class ValidationTests
{
    private static readonly double[][] NorRows = [[0, 0], [0, 1], [1, 0], [1, 1]];

    private static TrainingSet Set(double[][] rows, double[] labels) => Scenario.ToSet(rows, labels);

    private static TrainingSet Nor => Set(NorRows, [1, 0, 0, 0]);

    public static TheoryData<string, TrainingOptions, string, string> BadOptions => new()
    {
        { "zero rate", new TrainingOptions { LearningRate = 0 }, "learningRate", "must be a finite number greater than 0 (got 0)" },
        { "negative rate", new TrainingOptions { LearningRate = -0.1 }, "learningRate", "must be a finite number greater than 0 (got -0.1)" },
        { "NaN rate", new TrainingOptions { LearningRate = double.NaN }, "learningRate", "must be a finite number greater than 0 (got NaN)" },
        { "infinite rate", new TrainingOptions { LearningRate = double.PositiveInfinity }, "learningRate", "must be a finite number greater than 0 (got Infinity)" },
        { "zero epochs", new TrainingOptions { MaxEpochs = 0 }, "maxEpochs", "must be between 1 and 1000000 (got 0)" },
        { "too many epochs", new TrainingOptions { MaxEpochs = 1_000_001 }, "maxEpochs", "must be between 1 and 1000000 (got 1000001)" },
        { "NaN threshold", new TrainingOptions { Threshold = double.NaN }, "threshold", "must be a finite number (got NaN)" },
        { "tolerance for perceptron", new TrainingOptions { Tolerance = 0.001 }, "tolerance", "applies only to the adaline and backpropagation algorithms; leave it out for perceptron (got 0.001)" },
        { "negative tolerance", new TrainingOptions { Algorithm = TrainingAlgorithm.Adaline, Tolerance = -1 }, "tolerance", "must be a finite number of at least 0 (got -1)" },
        { "linear activation", new TrainingOptions { Activation = Activation.Linear }, "activation", "must be step or sign to train; linear is for prediction only" },
        { "sigmoid activation", new TrainingOptions { Activation = Activation.Sigmoid }, "activation", "must be step or sign to train; sigmoid is for prediction only" },
        { "negative seed", new TrainingOptions { Seed = -3 }, "seed", "must be an integer of at least 0 (got -3)" },
        { "unknown algorithm", new TrainingOptions { Algorithm = (TrainingAlgorithm)9 }, "algorithm", "must be perceptron, pocket, averaged, adaline or backpropagation (got 9)" },
        { "initial weights of the wrong width", new TrainingOptions { InitialWeights = new Perceptron(0.4, 0.7, -0.2, 0.1) }, "initialWeights.weights", "must have 2 values, one per input column (got 3)" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_BadOption_NamesTheFieldAndTheValue(string scenario, TrainingOptions options, string field, string message)
    {
        var issues = Trainer.Validate(Nor, options);

        Assert.True(issues.Count == 1, scenario);
        Assert.Equal(new ValidationIssue(field, message), issues[0]);
    }

    [Fact]
    public void Validate_DefaultsOnAGate_FindsNothing()
    {
        Assert.Empty(Trainer.Validate(Nor, new TrainingOptions()));
        Assert.Empty(Trainer.Validate(Nor, new TrainingOptions { Algorithm = TrainingAlgorithm.Adaline, Tolerance = 0 }));
    }

    [Fact]
    public void Validate_LabelsOutsideTheStepSet_NamesEachLabel()
    {
        var issues = Trainer.Validate(Set(NorRows, [1, 2, 0, -1]), new TrainingOptions());

        Assert.Equal(
            [
                new ValidationIssue("labels[1]", "must be 0 or 1 for the step activation (got 2)"),
                new ValidationIssue("labels[3]", "must be 0 or 1 for the step activation (got -1)"),
            ],
            issues);
    }

    [Fact]
    public void Validate_ZeroLabelWithSign_AsksForMinusOneOrOne()
    {
        var issues = Trainer.Validate(Nor, new TrainingOptions { Activation = Activation.Sign });

        Assert.Equal(
            [
                new ValidationIssue("labels[1]", "must be -1 or 1 for the sign activation (got 0)"),
                new ValidationIssue("labels[2]", "must be -1 or 1 for the sign activation (got 0)"),
                new ValidationIssue("labels[3]", "must be -1 or 1 for the sign activation (got 0)"),
            ],
            issues);
    }

    [Fact]
    public void Validate_LabelCountMismatch_SaysBothCounts()
    {
        var issues = Trainer.Validate(Set(NorRows, [1, 0, 0]), new TrainingOptions());

        Assert.Equal([new ValidationIssue("labels", "must have one label per input row: 4 rows, 3 labels")], issues);
    }

    [Fact]
    public void Validate_NoSamples_NamesInputs()
    {
        var issues = Trainer.Validate(new TrainingSet(Matrix.FromRowMajor([], 0, 2), []), new TrainingOptions());

        Assert.Equal([new ValidationIssue("inputs", "must contain at least one sample")], issues);
    }

    [Fact]
    public void Validate_NonFiniteInput_NamesTheRowAndTheValue()
    {
        var issues = Trainer.Validate(Set([[0, 0], [0, 1], [1, double.NaN], [double.PositiveInfinity, 1]], [1, 0, 0, 0]), new TrainingOptions());

        Assert.Equal(
            [
                new ValidationIssue("inputs[2]", "must contain only finite numbers (inputs[2][1] is NaN)"),
                new ValidationIssue("inputs[3]", "must contain only finite numbers (inputs[3][0] is Infinity)"),
            ],
            issues);
    }

    [Fact]
    public void Validate_RaggedRows_NamesTheRowThatDiffersFromRowZero()
    {
        IReadOnlyList<IReadOnlyList<double>> rows = [[0, 0], [0, 1], [1, 0, 5], [1, 1]];

        var issues = Trainer.Validate(rows, [1, 0, 0, 0], new TrainingOptions());

        Assert.Equal([new ValidationIssue("inputs[2]", "must have 2 values like inputs[0] (got 3)")], issues);
    }

    [Fact]
    public void Validate_ManyProblems_ListsEveryField()
    {
        var options = new TrainingOptions { LearningRate = 0, MaxEpochs = -1, Tolerance = 1, InitialWeights = new Perceptron(0, 1.0) };

        var issues = Trainer.Validate(Set(NorRows, [1, 0, 0, 7]), options);

        Assert.Equal(["labels[3]", "initialWeights.weights", "learningRate", "maxEpochs", "tolerance"], issues.Select(issue => issue.Field));
    }

    [Fact]
    public void Validate_ManyBadLabels_ListsAtMostTen()
    {
        var rows = Enumerable.Range(0, 50).Select(i => new double[] { i }).ToArray();

        var issues = Trainer.Validate(Set(rows, [.. Enumerable.Repeat(3.0, 50)]), new TrainingOptions());

        Assert.Equal(10, issues.Count);
    }

    [Fact]
    public void Train_InvalidRequest_ThrowsNamingTheParameterAndValue()
    {
        var error = Assert.Throws<ArgumentException>(() => Trainer.Train(Nor, new TrainingOptions { LearningRate = -1 }));

        Assert.Equal("options", error.ParamName);
        Assert.Contains("learningRate must be a finite number greater than 0 (got -1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainEpochs_InvalidRequest_ThrowsBeforeEnumerating()
    {
        var error = Assert.Throws<ArgumentException>(() => Trainer.TrainEpochs(Set(NorRows, [1, 0, 0, 2]), new TrainingOptions()));

        Assert.Equal("data", error.ParamName);
        Assert.Contains("labels[3] must be 0 or 1 for the step activation (got 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults_AreTheContractsDefaults()
    {
        var options = new TrainingOptions();

        Assert.Equal(
            (TrainingAlgorithm.Perceptron, Activation.Step, (double?)null, 0.1, 100, WeightInitialization.Zeros, false, (int?)null, (double?)null),
            (options.Algorithm, options.Activation, options.Threshold, options.LearningRate, options.MaxEpochs, options.Initialization, options.Shuffle, options.Seed, options.Tolerance));
        Assert.False(options.UsesRandomness);
    }
}
