using CsCheck;
using PerceptronApi.Core.Classes;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Tests.Training;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Tests.Classes;

public class ClassesTests
{
    private static ClassLabel[] Names(params string[] names) => [.. names.Select(ClassLabel.Of)];

    private static ClassLabel[] Numbers(params double[] numbers) => [.. numbers.Select(ClassLabel.Of)];

    private static ClassAssignment Resolve(IReadOnlyList<ClassLabel> labels, TrainingOptions? options = null)
    {
        var issues = new List<ValidationIssue>();
        var assignment = ClassAssignment.Resolve(labels, options ?? new TrainingOptions(), issues);
        Assert.Empty(issues);
        return assignment!;
    }

    private static List<ValidationIssue> Issues(IReadOnlyList<ClassLabel> labels, TrainingOptions? options = null)
    {
        var issues = new List<ValidationIssue>();
        Assert.Null(ClassAssignment.Resolve(labels, options ?? new TrainingOptions(), issues));
        return issues;
    }

    /// <summary>Iris-like measurements: three species around their typical sepal/petal sizes, seeded.</summary>
    internal static (double[][] Rows, string[] Species) IrisLike(int perSpecies, int seed)
    {
        (string Name, double[] Mean)[] species =
        [
            ("setosa", [5.0, 3.4, 1.5, 0.2]),
            ("versicolor", [5.9, 2.8, 4.3, 1.3]),
            ("virginica", [6.6, 3.0, 5.6, 2.0]),
        ];
        var random = new Random(seed);
        var rows = new List<double[]>();
        var names = new List<string>();
        for (var i = 0; i < perSpecies; i++)
        {
            foreach (var (name, mean) in species)
            {
                rows.Add([.. mean.Select(m => Math.Round(m + ((random.NextDouble() - 0.5) * 0.6), 1))]);
                names.Add(name);
            }
        }

        return ([.. rows], [.. names]);
    }

    [Fact]
    public void Resolve_LabelsInTheActivationsSet_IsABinaryJob()
    {
        var assignment = Resolve(Numbers(0, 1, 1, 0));

        Assert.True(assignment.IsBinary);
        Assert.Equal([0.0, 1.0, 1.0, 0.0], assignment.BinaryLabels.ToArray());
        Assert.True(Resolve(Numbers(-1, 1), new TrainingOptions { Activation = Activation.Sign }).IsBinary);
    }

    [Fact]
    public void Resolve_OtherNumbersOrNames_AreSortedClasses()
    {
        Assert.Equal(Numbers(-1, 1), Resolve(Numbers(1, -1, 1)).Classes.ToArray());
        Assert.Equal(Numbers(0, 1), Resolve(Numbers(0, 1, 0), new TrainingOptions { Activation = Activation.Sign }).Classes.ToArray());
        Assert.Equal(Numbers(0, 2, 10), Resolve(Numbers(10, 2, 0, 2)).Classes.ToArray());

        // Ordinal: upper case before lower case.
        var assignment = Resolve(Names("virginica", "Setosa", "versicolor", "Setosa"));
        Assert.Equal(Names("Setosa", "versicolor", "virginica"), assignment.Classes);
        Assert.Equal([2, 0, 1, 0], assignment.ClassOfSample.ToArray());
        Assert.True(assignment.IsOneVsRest);
    }

    [Fact]
    public void Resolve_NumbersAndNamesMixed_NamesEachOddOne()
    {
        Assert.Equal(
            [new ValidationIssue("labels[1]", "must be a number like the first label (labels[0]): the labels are all numbers or all strings"), new ValidationIssue("labels[3]", "must be a number like the first label (labels[0]): the labels are all numbers or all strings")],
            Issues([ClassLabel.Of(0), ClassLabel.Of("a"), ClassLabel.Of(1), ClassLabel.Of("b")]));
        Assert.Equal(
            [new ValidationIssue("labels[1]", "must be a string like the first label (labels[0]): the labels are all numbers or all strings")],
            Issues([ClassLabel.Of("a"), ClassLabel.Of(1)]));
    }

    [Fact]
    public void Resolve_OneClassOutsideTheSet_AsksForTwo()
    {
        Assert.Equal([new ValidationIssue("labels", "must hold 0 and 1, or at least two distinct classes (every label is cat)")], Issues(Names("cat", "cat")));
    }

    [Fact]
    public void Resolve_ThreeClassesWithBackpropagation_IsRefused()
    {
        var options = TrainingOptions.Defaults(TrainingAlgorithm.Backpropagation) with { HiddenLayers = [2] };

        Assert.Equal(
            [new ValidationIssue("labels", "must hold 2 classes for backpropagation, which trains one output unit (got 3: a, b, c); one-vs-rest over 3 or more classes is for perceptron, pocket, averaged and adaline")],
            Issues(Names("a", "b", "c"), options));
        Assert.Equal(Names("no", "yes"), Resolve(Names("yes", "no"), options).Classes.ToArray());
    }

    [Theory]
    [InlineData("no", "yes", 0.0, 1.0)]
    [InlineData("yes", "no", 1.0, 0.0)]
    public void TwoClasses_FirstSortedIsNegative_SecondPositive(string first, string second, double firstLabel, double secondLabel)
    {
        var assignment = Resolve(Names(first, second, first));

        Assert.Equal([firstLabel, secondLabel, firstLabel], assignment.LabelsFor(1, new TrainingOptions()).ToArray());
        Assert.Equal([firstLabel == 0 ? -1.0 : 1.0, secondLabel == 0 ? -1.0 : 1.0, firstLabel == 0 ? -1.0 : 1.0], assignment.LabelsFor(1, new TrainingOptions { Activation = Activation.Sign }).ToArray());
    }

    [Fact]
    public void TwoClasses_NumericOutsideTheSet_TrainsAsTheMappedBinaryRun()
    {
        // Labels 2 and 5: 2 is the negative class, 5 the positive; the run is the binary run on 0/1, and predicts names back.
        double[][] rows = [[0, 0], [0, 1], [1, 0], [1, 1]];
        var assignment = Resolve(Numbers(2, 2, 2, 5));
        var mapped = assignment.LabelsFor(1, new TrainingOptions());

        var result = Trainer.Train(Scenario.ToSet(rows, [.. mapped]), new TrainingOptions());
        var binary = Trainer.Train(Scenario.ToSet(rows, [0, 0, 0, 1]), new TrainingOptions());

        Assert.Equal(binary.Model, result.Model);
        var classifier = new Classifier(assignment.Classes, [result.Model], result.Activation);
        Assert.Equal(Numbers(2, 2, 2, 5), rows.Select(row => classifier.Predict(row)));
    }

    [Fact]
    public void OneVsRest_EachUnit_IsExactlyItsBinaryRun()
    {
        var gen = Gen.Select(Scenario.Any, Gen.Int[3, 5], (scenario, k) => (scenario, k)).Where(c => c.scenario.Rows.Length >= c.k);
        gen.Sample(c =>
        {
            var random = new Random(c.scenario.Rows.Length * 31 + c.k);
            var classOf = c.scenario.Rows.Select((_, i) => i < c.k ? i : random.Next(c.k)).ToArray();
            var labels = classOf.Select(k => ClassLabel.Of($"class {k}")).ToArray();
            var options = c.scenario.Options with { Seed = c.scenario.Options.Seed ?? 17 };
            var assignment = Resolve(labels, options);
            var records = new List<OneVsRestEpochRecord>();

            var result = OneVsRestTrainer.Train(Matrix.FromRows(c.scenario.Rows), assignment, options, records.Add);

            var binaries = Enumerable.Range(0, c.k).Select(unit =>
            {
                var history = new List<EpochRecord>();
                var run = Trainer.Train(Scenario.ToSet(c.scenario.Rows, [.. assignment.LabelsFor(unit, options)]), options, history.Add);
                return (history, run);
            }).ToArray();

            Assert.Equal(binaries.Max(b => b.history.Count), records.Count);
            for (var unit = 0; unit < c.k; unit++)
            {
                var (history, run) = binaries[unit];
                for (var e = 0; e < records.Count; e++)
                {
                    var record = records[e].Units[unit];
                    var own = history[Math.Min(e, history.Count - 1)];
                    Assert.Equal(assignment.Classes[unit], record.Class);
                    Assert.Equal(BitConverter.DoubleToInt64Bits(own.Bias), BitConverter.DoubleToInt64Bits(record.Bias));
                    Assert.Equal(own.Weights.Select(BitConverter.DoubleToInt64Bits), record.Weights.Select(BitConverter.DoubleToInt64Bits));
                    Assert.Equal(e < history.Count ? own.Updates : 0, record.Updates);
                    Assert.Equal((own.Errors, own.Loss), (record.Errors, record.Loss));
                }

                Assert.Equal(run.Model, new Perceptron(result.Units[unit].Bias, result.Units[unit].Weights));
                Assert.Equal((run.Converged, run.StopReason, run.Cycle), (result.Units[unit].Converged, result.Units[unit].StopReason, result.Units[unit].Cycle));
            }

            Assert.Equal(records[^1].Epoch, result.Epochs);
            Assert.Equal(binaries.All(b => b.run.Converged), result.Converged);
            Assert.All(records, r => Assert.Equal(r.Units.Sum(u => u.Updates), r.Updates));
            Assert.All(records, r => Assert.Equal(r.Units.Sum(u => u.Loss) / c.k, r.Loss, 1e-15));
        }, iter: 120);
    }

    [Fact]
    public void OneVsRest_IrisLikeSpecies_LearnsTheThreeClasses()
    {
        var (rows, species) = IrisLike(20, 1);
        var options = new TrainingOptions { Algorithm = TrainingAlgorithm.Pocket, MaxEpochs = 200 };
        var assignment = Resolve(Names(species), options);
        var records = new List<OneVsRestEpochRecord>();

        var result = OneVsRestTrainer.Train(Matrix.FromRows(rows), assignment, options, records.Add);

        Assert.Equal(Names("setosa", "versicolor", "virginica"), result.Classes.ToArray());
        Assert.Equal(3, result.Units.Length);
        var predicted = rows.Select(row => result.Model.Predict(row).Name).ToArray();
        var errors = predicted.Where((name, i) => name != species[i]).Count();
        Assert.Equal(errors, result.Errors);
        Assert.Equal(1.0 - (errors / 60.0), result.Accuracy);
        Assert.True(result.Accuracy >= 0.85, $"accuracy {result.Accuracy}");

        // Setosa is linearly separable from the rest: its unit converges.
        Assert.Equal((true, StopReason.Converged), (result.Units[0].Converged, result.Units[0].StopReason));

        // The top-level errors of a record count the argmax of that record's units.
        var last = records[^1];
        var argmaxErrors = rows.Where((row, i) =>
        {
            var z = last.Units.Select(u => Perceptron.NetInput(u.Bias, u.Weights.AsSpan(), row)).ToArray();
            return Array.IndexOf(z, z.Max()) != assignment.ClassOfSample[i];
        }).Count();
        Assert.Equal(argmaxErrors, last.Errors);
    }

    [Fact]
    public void OneVsRest_StopReason_IsTheLastUnitsToStopOrTheEpochLimit()
    {
        // Three points on a line, one per class: "a or not" and "c or not" separate, "b or not" cycles.
        var assignment = Resolve(Names("a", "b", "c"));
        var result = OneVsRestTrainer.Train(Matrix.FromRows([[0.0], [1.0], [2.0]]), assignment, new TrainingOptions { MaxEpochs = 1000 });

        Assert.Equal(StopReason.Cycle, result.Units[1].StopReason);
        Assert.NotNull(result.Units[1].Cycle);
        Assert.False(result.Converged);
        var limited = OneVsRestTrainer.Train(Matrix.FromRows([[0.0], [1.0], [2.0]]), assignment, new TrainingOptions { StopOnCycle = false, MaxEpochs = 30 });
        Assert.Equal((StopReason.MaxEpochsReached, 30), (limited.StopReason, limited.Epochs));
    }

    [Fact]
    public void Classifier_Ties_GoToTheFirstClass()
    {
        var classifier = new Classifier([.. Names("a", "b", "c")], [new(0.5, 0.0), new(0.5, 0.0), new(0.2, 0.0)], ActivationFunction.DefaultStep);

        Assert.Equal(0, classifier.Decide([1.0, 1.0, 0.0]));
        Assert.Equal(1, classifier.Decide([0.0, 1.0, 1.0]));
        Assert.Equal(ClassLabel.Of("a"), classifier.Predict([3.0]));
    }

    [Fact]
    public void Classifier_TwoClasses_DecidesByTheThreshold()
    {
        var classifier = new Classifier([.. Names("no", "yes")], [new(0.0, 1.0)], ActivationFunction.DefaultStep);

        Assert.Equal([ClassLabel.Of("no"), ClassLabel.Of("yes"), ClassLabel.Of("yes")], new[] { 0.49, 0.5, 0.7 }.Select(x => classifier.Predict([x])));
    }

    [Fact]
    public void OneVsRest_TraceOrTwoClasses_AreRefused()
    {
        var assignment = Resolve(Names("a", "b", "c"));

        Assert.Equal(
            [new ValidationIssue("trace", "applies to binary and two-class runs only; this one trains 3 units (one per class)")],
            OneVsRestTrainer.Validate(Matrix.FromRows([[0.0], [1.0], [2.0]]), assignment, new TrainingOptions { Trace = true }));
        Assert.Throws<ArgumentException>(() => OneVsRestTrainer.Train(Matrix.FromRows([[0.0], [1.0]]), Resolve(Names("a", "b")), new TrainingOptions()));
    }

    [Fact]
    public void ClassLabel_Order_NumbersAscendingStringsOrdinal()
    {
        Assert.True(ClassLabel.Of(-1) < ClassLabel.Of(2));
        Assert.True(ClassLabel.Of("B") < ClassLabel.Of("a"));
        Assert.Throws<InvalidOperationException>(() => ClassLabel.Of(1).CompareTo(ClassLabel.Of("1")));
        Assert.Equal("2.5", ClassLabel.Of(2.5).ToString());
        Assert.NotEqual(ClassLabel.Of(1), ClassLabel.Of("1"));
    }
}
