using System.Globalization;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using PerceptronApi.Core.Model;
using PerceptronApi.Infrastructure;
using PerceptronApi.Models;
using PerceptronApi.Predictions;

namespace PerceptronApi.Training;

/// <summary>Training jobs: start one, follow its epochs live, read its history, cancel it, predict with its model.</summary>
internal static class TrainingJobEndpoints
{
    private const string Route = "/api/v1/training-jobs";

    public static RouteGroupBuilder MapTrainingJobEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route).WithTags("Training jobs");

        group.MapPost("/", StartTrainingJob)
            .AllowQuery([.. TrainingJobQuery.Names])
            .WithName(nameof(StartTrainingJob))
            .WithSummary("Start a training job")
            .WithDescription("""
                Trains a perceptron on a gate's truth table ("gate") or on your samples ("inputs" and "labels"), with
                the perceptron, pocket, averaged or adaline rule. Answers 202 with the queued job and its Location.
                With "Prefer: wait=N" (N up to Training:MaxWaitSeconds) and the job done within N seconds, answers 201
                with the finished job. A text/csv body (one sample a row, the label last, an optional header row) takes
                the hyper-parameters as query parameters instead.
                """)
            .Accepts<TrainingJobRequest>("application/json", "text/csv")
            .WithTextBody("text/csv", "x1,x2,label\n0,0,1\n0,1,0\n1,0,0\n1,1,0\n")
            .WithRequestExamples(
                new RequestExample("NOR", "The tutorial's NOR gate from zeros, η 0.1: converges at epoch 8", new TrainingJobRequest { Gate = "NOR" }),
                new RequestExample("guess-NOR", "Start from the tutorial's guessed weights (0.4, 0.7, -0.2)", new TrainingJobRequest
                {
                    Gate = "NOR",
                    InitialWeights = new Models.UnitDto(0.4, [0.7, -0.2]),
                }),
                new RequestExample("XOR-pocket", "XOR is not separable: the pocket keeps the best weights (3 of 4)", new TrainingJobRequest
                {
                    Gate = "XOR",
                    Algorithm = Core.Training.TrainingAlgorithm.Pocket,
                    MaxEpochs = 20,
                }),
                new RequestExample("own-data", "Your own samples with ADALINE and a loss tolerance", new TrainingJobRequest
                {
                    Inputs = [[5.1, 1.4], [7.0, 4.7], [4.9, 1.5], [6.4, 4.5]],
                    Labels = [0, 1, 0, 1],
                    Algorithm = Core.Training.TrainingAlgorithm.Adaline,
                    LearningRate = 0.01,
                    MaxEpochs = 1000,
                    Tolerance = 1e-9,
                }))
            .Produces<JobResponse>(StatusCodes.Status201Created)
            .Produces<JobResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/", ListTrainingJobs)
            .AllowQuery("status", "limit", "cursor")
            .WithName(nameof(ListTrainingJobs))
            .WithSummary("List training jobs, newest first")
            .WithDescription("Jobs without their history. Filter with status; follow \"next\" for the following page.")
            .ProducesValidationProblem();

        group.MapGet("/{id}", GetTrainingJob)
            .AllowQuery("history")
            .WithName(nameof(GetTrainingJob))
            .WithSummary("Get a training job")
            .WithDescription("The job with its parameters, progress, result and every epoch record (?history=false leaves the history out).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/history", GetTrainingJobHistory)
            .AllowQuery("from", "limit")
            .WithName(nameof(GetTrainingJobHistory))
            .WithSummary("Page through a job's epoch records")
            .WithDescription("Records from epoch \"from\", at most \"limit\" of them. \"next\" is the following page; while the job runs it points past the last record, where new ones will appear.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/events", StreamTrainingJobEvents)
            .AllowQuery()
            .WithName(nameof(StreamTrainingJobEvents))
            .WithSummary("Follow a job's epochs live (server-sent events)")
            .WithDescription("""
                One "epoch" event per record (id = the epoch, data = the record): first those already recorded, then live
                ones; then one final "completed", "failed" or "canceled" event whose data is the job without history, and
                the stream closes. Send Last-Event-ID to resume after that epoch. A comment line is sent after 15 s of
                silence. Try it with: curl -N http://localhost:5080/api/v1/training-jobs/{id}/events
                """)
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id}/cancel", CancelTrainingJob)
            .AllowQuery()
            .WithName(nameof(CancelTrainingJob))
            .WithSummary("Cancel a training job")
            .WithDescription("A queued or running job ends canceled; the answer is 202 with the job. 409 once the job has finished.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapDelete("/{id}", DeleteTrainingJob)
            .AllowQuery()
            .WithName(nameof(DeleteTrainingJob))
            .WithSummary("Delete a training job")
            .WithDescription("Cancels it first if it is queued or running.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id}/predict", PredictWithTrainingJob)
            .AllowQuery()
            .WithName(nameof(PredictWithTrainingJob))
            .WithSummary("Predict with a job's trained model")
            .WithDescription("The same answer as POST /api/v1/predict, with the trained bias, weights and activation. 409 while the job has no result.")
            .Accepts<PredictInputsRequest>(isOptional: true, "application/json")
            .WithRequestExamples(
                new RequestExample("truth-table", "No inputs: every binary row (a gate's truth table)", new PredictInputsRequest()),
                new RequestExample("check", "The trained NOR model against NOR", new PredictInputsRequest { Target = "NOR" }))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    /// <summary>Starts a training job from a JSON body, or from a CSV body with the hyper-parameters in the query.</summary>
    /// <param name="context">The request, read as JSON or CSV by its content type.</param>
    /// <param name="query">The hyper-parameters, for a text/csv body only.</param>
    /// <param name="queue">The job queue.</param>
    /// <param name="options">The training limits.</param>
    /// <param name="json">The contract's JSON settings.</param>
    /// <param name="cancellationToken">Aborts the wait of <c>Prefer: wait</c>.</param>
    public static async Task<Results<Created<JobResponse>, Accepted<JobResponse>, ValidationProblem, ProblemHttpResult>> StartTrainingJob(
        HttpContext context,
        [AsParameters] TrainingJobQuery query,
        TrainingJobQueue queue,
        IOptions<TrainingJobOptions> options,
        IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var errors = new Dictionary<string, string[]>();
        var (request, csv) = await ReadRequestAsync(context.Request, query, json.Value.SerializerOptions, limits, errors, cancellationToken);
        if (request is null)
        {
            return errors.Count > 0
                ? TypedResults.ValidationProblem(errors)
                : TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var plan = TrainingRequestPlanner.TryPlan(request, limits, errors);
        if (plan is null)
        {
            return TypedResults.ValidationProblem(csv?.ToCsvKeys(errors) ?? errors);
        }

        var (job, refusal) = queue.Submit(plan);
        if (job is null)
        {
            context.Response.Headers.RetryAfter = limits.RetryAfterSeconds.ToString();
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: refusal == SubmitRefusal.ShuttingDown ? "Shutting down" : "Too many training jobs",
                detail: refusal == SubmitRefusal.ShuttingDown
                    ? "The service is shutting down and takes no new jobs."
                    : $"The queue is full: {limits.MaxQueuedJobs} job(s) wait for a worker (Training:MaxQueuedJobs). Retry after {limits.RetryAfterSeconds} s.");
        }

        var location = $"{Route}/{job.Id}";
        if (PreferredWait(context.Request, limits) is { } wait)
        {
            try
            {
                await job.Finished.WaitAsync(wait, cancellationToken);
                context.Response.Headers["Preference-Applied"] = $"wait={(int)wait.TotalSeconds}";
                return TypedResults.Created(location, JobResponses.From(job, includeHistory: true));
            }
            catch (TimeoutException)
            {
                // Not done in time: answer as without the preference.
            }
        }

        context.Response.Headers.RetryAfter = limits.RetryAfterSeconds.ToString();
        return TypedResults.Accepted(location, JobResponses.From(job, includeHistory: true));
    }

    /// <summary>Lists jobs newest first, without their history.</summary>
    /// <param name="status">Only jobs of this status: queued, running, succeeded, failed or canceled.</param>
    /// <param name="limit">The most jobs in this page (default and maximum: Training:MaxPageSize).</param>
    /// <param name="cursor">From the previous page's "next": the page starts after this job.</param>
    /// <param name="store">The job store.</param>
    /// <param name="options">The training limits.</param>
    public static Results<Ok<Page<JobResponse>>, ValidationProblem> ListTrainingJobs(
        string? status,
        string? limit,
        string? cursor,
        IJobStore store,
        IOptions<TrainingJobOptions> options)
    {
        var errors = new Dictionary<string, string[]>();
        var wanted = QueryValues.Enum<JobStatus>("status", status, errors);
        var size = PageSize(limit, options.Value, errors);
        var before = cursor is null ? (long?)null : long.TryParse(cursor, out var c) && c > 0 ? c : Invalid(errors, "cursor", "must be the \"cursor\" of a \"next\" link.");
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // One more than the page, to know whether a next page exists.
        var jobs = store.List(wanted, before, size + 1);
        var page = jobs.Take(size).ToList();
        var next = jobs.Count > size
            ? $"{Route}?{(wanted is null ? "" : $"status={ModelMapping.Name(wanted.Value)}&")}limit={size}&cursor={page[^1].Sequence}"
            : null;
        return TypedResults.Ok(new Page<JobResponse>([.. page.Select(job => JobResponses.From(job, includeHistory: false))], next));
    }

    /// <summary>One job, with its history unless <c>history=false</c>.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="history">true (default) or false.</param>
    /// <param name="store">The job store.</param>
    public static Results<Ok<JobResponse>, ValidationProblem, ProblemHttpResult> GetTrainingJob(string id, string? history, IJobStore store)
    {
        var errors = new Dictionary<string, string[]>();
        var includeHistory = QueryValues.Boolean("history", history, errors) ?? true;
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return store.Find(id) is { } job ? TypedResults.Ok(JobResponses.From(job, includeHistory)) : NotFound(id);
    }

    /// <summary>A page of a job's epoch records.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="from">The first epoch of the page (default 0).</param>
    /// <param name="limit">The most records in the page (default and maximum: Training:MaxPageSize).</param>
    /// <param name="store">The job store.</param>
    /// <param name="options">The training limits.</param>
    public static Results<Ok<Page<Core.Training.EpochRecord>>, ValidationProblem, ProblemHttpResult> GetTrainingJobHistory(
        string id,
        string? from,
        string? limit,
        IJobStore store,
        IOptions<TrainingJobOptions> options)
    {
        var errors = new Dictionary<string, string[]>();
        var start = QueryValues.Integer("from", from, errors) ?? 0;
        if (start < 0)
        {
            errors["from"] = [$"must be 0 or more (got {start})."];
        }

        var size = PageSize(limit, options.Value, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (store.Find(id) is not { } job)
        {
            return NotFound(id);
        }

        var snapshot = job.Read(start, size);
        var end = snapshot.Start + snapshot.Records.Count;

        // More records exist, or will once the running job records them (never a cursor before the one asked for).
        var next = end < snapshot.Total || !job.IsFinished
            ? $"{Route}/{id}/history?from={Math.Max(end, start)}&limit={size}"
            : null;
        return TypedResults.Ok(new Page<Core.Training.EpochRecord>(snapshot.Records, next));
    }

    /// <summary>The job's epochs as server-sent events: replayed, then live, then a final event.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="context">The request (for Last-Event-ID) and the response the stream is written to.</param>
    /// <param name="store">The job store.</param>
    /// <param name="options">The training limits (heartbeat interval).</param>
    /// <param name="json">The contract's JSON settings.</param>
    public static Results<ServerSentEventsResult<string>, ValidationProblem, ProblemHttpResult> StreamTrainingJobEvents(
        string id,
        HttpContext context,
        IJobStore store,
        IOptions<TrainingJobOptions> options,
        IOptions<JsonOptions> json)
    {
        if (store.Find(id) is not { } job)
        {
            return NotFound(id);
        }

        var from = 0;
        if (context.Request.Headers["Last-Event-ID"] is { Count: > 0 } values && !string.IsNullOrWhiteSpace(values[^1]))
        {
            // A reconnecting client sends the id of the last event it received: resume after it. Any id past the
            // history (however many digits) resumes at its end.
            var lastEventId = values[^1]!.Trim();
            if (lastEventId.Length > 18 && lastEventId.All(char.IsAsciiDigit))
            {
                lastEventId = int.MaxValue.ToString(CultureInfo.InvariantCulture);
            }

            if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var last))
            {
                return TypedResults.ValidationProblem(
                    new Dictionary<string, string[]> { ["Last-Event-ID"] = [$"must be the id (epoch) of an event received before (got \"{lastEventId}\")."] },
                    detail: "The Last-Event-ID header is not an epoch.");
            }

            from = (int)Math.Min(last + 1, int.MaxValue);
        }

        // Not tied to the host's stopping: on shutdown the jobs are canceled, and each stream ends after its final event.
        var events = JobEvents.Stream(job, from, context.Response, json.Value.SerializerOptions, options.Value.HeartbeatInterval, context.RequestAborted);
        return TypedResults.ServerSentEvents(events);
    }

    /// <summary>Cancels a queued or running job.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="store">The job store.</param>
    /// <param name="queue">The job queue, which cancels.</param>
    public static Results<Accepted<JobResponse>, ProblemHttpResult> CancelTrainingJob(string id, IJobStore store, TrainingJobQueue queue)
    {
        if (store.Find(id) is not { } job)
        {
            return NotFound(id);
        }

        if (queue.Cancel(job, "Canceled by request.") is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Job already finished",
                detail: $"Training job {id} has already finished ({ModelMapping.Name(job.Status)}); only queued or running jobs can be canceled.");
        }

        return TypedResults.Accepted($"{Route}/{id}", JobResponses.From(job, includeHistory: false));
    }

    /// <summary>Deletes a job, canceling it first when it has not finished.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="store">The job store.</param>
    /// <param name="queue">The job queue, which cancels.</param>
    public static Results<NoContent, ProblemHttpResult> DeleteTrainingJob(string id, IJobStore store, TrainingJobQueue queue)
    {
        if (store.Find(id) is not { } job)
        {
            return NotFound(id);
        }

        queue.Cancel(job, "Deleted.");
        store.Remove(id);
        return TypedResults.NoContent();
    }

    /// <summary>Runs the job's trained model on inputs.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="request">The rows and optionally the expected outputs; empty: all binary rows.</param>
    /// <param name="store">The job store.</param>
    /// <param name="limits">The request limits.</param>
    public static Results<Ok<PredictResponse>, ValidationProblem, ProblemHttpResult> PredictWithTrainingJob(
        string id,
        PredictInputsRequest? request,
        IJobStore store,
        IOptions<LimitsOptions> limits)
    {
        if (store.Find(id) is not { } job)
        {
            return NotFound(id);
        }

        if (job.Result is not { } result)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "No trained model",
                detail: $"Training job {id} is {ModelMapping.Name(job.Status)} and has no result to predict with.");
        }

        var response = PredictionPlanner.Predict(new Network(result.Model, result.Activation), request, limits.Value, out var errors);
        return response is null ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(response);
    }

    private static async Task<(TrainingJobRequest? Request, CsvTrainingData.Parsed? Csv)> ReadRequestAsync(
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
            using var reader = new StreamReader(http.Body);
            csv = CsvTrainingData.TryParse(await reader.ReadToEndAsync(cancellationToken), limits.MaxSamples, errors);
            if (csv is null)
            {
                return (null, null);
            }

            request = query.ToRequest(csv, errors);
            if (errors.Count > 0)
            {
                return (null, null);
            }
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

    /// <summary>The wait asked for with <c>Prefer: wait=N</c>, cut to the limit; null when none was asked.</summary>
    private static TimeSpan? PreferredWait(HttpRequest request, TrainingJobOptions limits)
    {
        foreach (var header in request.Headers["Prefer"])
        {
            foreach (var preference in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                // RFC 7240: tokens are case-insensitive and a preference may carry parameters after ';'.
                var parts = preference.Split(';', 2)[0].Split('=', 2, StringSplitOptions.TrimEntries);
                var digits = parts is [var name, var value] && name.Equals("wait", StringComparison.OrdinalIgnoreCase) ? value.Trim('"') : "";
                if (digits.Length > 0 && digits.All(char.IsAsciiDigit))
                {
                    // Any number of seconds above the limit, however long, is cut to it.
                    var seconds = digits.Length > 9 ? limits.MaxWaitSeconds : Math.Min(int.Parse(digits, CultureInfo.InvariantCulture), limits.MaxWaitSeconds);
                    return TimeSpan.FromSeconds(seconds);
                }
            }
        }

        return null;
    }

    private static int PageSize(string? limit, TrainingJobOptions options, Dictionary<string, string[]> errors)
    {
        var size = QueryValues.Integer("limit", limit, errors) ?? options.MaxPageSize;
        if (size < 1 || size > options.MaxPageSize)
        {
            errors["limit"] = [$"must be between 1 and {options.MaxPageSize} (Training:MaxPageSize); got {size}."];
        }

        return size;
    }

    private static long? Invalid(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return null;
    }

    private static ProblemHttpResult NotFound(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Training job not found",
        detail: $"There is no training job {id}. Jobs are kept for Training:MaxJobAge after they finish, at most Training:MaxRetainedJobs of them.");
}
