using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Tests.Training;

public class RowMajorSamplesTests
{
    [Fact]
    public void ValidSamples_BecomeATrainingSetOverTheSameArrays_ThatTrainsAsFromRows()
    {
        double[] values = [0, 0, 0, 1, 1, 0, 1, 1];
        double[] labels = [0, 0, 0, 1];
        var issues = new List<ValidationIssue>();

        var data = RowMajorSamples.TryCreate(values, 2, labels, new TrainingOptions(), issues);

        Assert.Empty(issues);
        Assert.NotNull(data);
        Assert.Equal((4, 2), (data.Samples, data.Features));
        Assert.True(data.Inputs.Data.Overlaps(values)); // no copy
        var fromRows = new TrainingSet(Matrix.FromRows([[0, 0], [0, 1], [1, 0], [1, 1]]), [0, 0, 0, 1]);
        Assert.Equal(Trainer.Train(fromRows, new TrainingOptions()).Model, Trainer.Train(data, new TrainingOptions()).Model);
    }

    [Fact]
    public void BadSamples_AreReportedAtStructuredLocations_WithTheirJsonPaths()
    {
        double[] values = [0, 0, 0, double.NaN, 1, 0];
        double[] labels = [0, 2, 1];
        var issues = new List<ValidationIssue>();

        var data = RowMajorSamples.TryCreate(values, 2, labels, new TrainingOptions { LearningRate = 0 }, issues);

        Assert.Null(data);
        Assert.Equal(
            [
                new ValidationIssue(IssueLocation.Input(1, 1), "must contain only finite numbers (inputs[1][1] is NaN)"),
                new ValidationIssue(IssueLocation.Label(1), "must be 0 or 1 for the step activation (got 2)"),
                new ValidationIssue("learningRate", "must be a finite number greater than 0 (got 0)"),
            ],
            issues);
        Assert.Equal([new IssueLocation("inputs", 1, 1), new IssueLocation("labels", 1), new IssueLocation("learningRate")], issues.Select(issue => issue.Location));
        Assert.Equal(["inputs[1]", "labels[1]", "learningRate"], issues.Select(issue => issue.Field));
    }

    [Fact]
    public void AnIssueByPath_EqualsTheSameIssueByStructuredLocation()
    {
        Assert.Equal(new ValidationIssue("labels[3]", "m"), new ValidationIssue(IssueLocation.Label(3), "m"));
        Assert.NotEqual(new ValidationIssue("labels[3]", "m"), new ValidationIssue(IssueLocation.Label(4), "m"));
        Assert.Equal("inputs[2]", IssueLocation.Input(2, 7).Path);
    }

    [Fact]
    public void ABufferThatIsNotWholeRows_IsRefused() =>
        Assert.Throws<ArgumentException>(() => RowMajorSamples.TryCreate([0, 1, 2], 2, [0], new TrainingOptions(), []));
}
