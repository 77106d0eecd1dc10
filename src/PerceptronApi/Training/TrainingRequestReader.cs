using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.Net.Http.Headers;
using PerceptronApi.Infrastructure;

namespace PerceptronApi.Training;

/// <summary>
/// Reads a training request from its body, JSON or CSV (with the hyper-parameters in the query), and checks its shape
/// once. What it yields goes on to <see cref="TrainingRequestPlanner"/>.
/// </summary>
internal static class TrainingRequestReader
{
    /// <summary>The request and, for a CSV body, the parsed rows (whose line numbers name the errors).</summary>
    /// <returns>Null with <paramref name="errors"/> filled for a bad request, or with none for an unsupported media type.</returns>
    public static async Task<(TrainingJobRequest? Request, CsvTrainingData.Parsed? Csv)> ReadAsync(
        HttpRequest http,
        TrainingJobQuery query,
        JsonSerializerOptions json,
        TrainingJobOptions limits,
        Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        TrainingJobRequest? request;
        CsvTrainingData.Parsed? csv = null;
        if (http.HasJsonContentType())
        {
            if (http.Query.Count > 0)
            {
                errors[http.Query.Keys.First()] = ["is a query parameter: with a JSON body the hyper-parameters go in the body (query parameters are read only with a text/csv body)."];
                return (null, null);
            }

            try
            {
                request = await http.ReadFromJsonAsync<TrainingJobRequest>(json, cancellationToken);
            }
            catch (JsonException exception)
            {
                var (field, message) = JsonErrorMessages.Describe(exception);
                errors[field] = [message];
                return (null, null);
            }

            if (request is null)
            {
                errors["$"] = ["must be a JSON object: see /swagger for the fields and examples."];
                return (null, null);
            }
        }
        else if (MediaTypeHeaderValue.TryParse(http.ContentType, out var mediaType) && mediaType.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            csv = await CsvTrainingData.TryParseAsync(http.Body, limits.MaxSamples, errors, cancellationToken);
            if (csv is null)
            {
                return (null, null);
            }

            // The query's values are checked as they are read, and the samples go to the planner as parsed: the
            // request's own checks (which fields a JSON body must hold) do not apply.
            request = query.ToRequest(json, errors);
            return errors.Count > 0 ? (null, null) : (request, csv);
        }
        else
        {
            return (null, null);
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(request, new ValidationContext(request), results, validateAllProperties: true))
        {
            foreach (var result in results)
            {
                foreach (var member in result.MemberNames.DefaultIfEmpty("$"))
                {
                    errors[member] = [result.ErrorMessage ?? "is invalid."];
                }
            }

            return (null, null);
        }

        return (request, csv);
    }
}
