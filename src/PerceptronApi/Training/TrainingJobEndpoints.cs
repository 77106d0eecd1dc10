using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using PerceptronApi.Core.Model;
using PerceptronApi.Infrastructure;
using PerceptronApi.Models;
using PerceptronApi.Predictions;
using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Training;

/// <summary>Training jobs: start one, follow its epochs live, read its history, cancel it, predict with its model.</summary>
internal static class TrainingJobEndpoints
{
    public static RouteGroupBuilder MapTrainingJobEndpoints(this IEndpointRouteBuilder app)
    {
        // With API keys configured every route needs one, and a key sees only the jobs it created.
        var group = app.MapGroup(JobLinks.Route).WithTags("Training jobs").WithRouteLabels()
            .RequireApiKey(app)
            .OnlyOwnJobs()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        group.MapPost("/", StartTrainingJob)
            .WithBodyLimit("text/csv", app.ServiceProvider.GetRequiredService<IOptions<TrainingJobOptions>>().Value.MaxCsvBodyBytes, "Training:MaxCsvBodyBytes")
            .RequireJobRateLimit(app)
            .AllowQuery([.. TrainingJobQuery.Names])
            .WithName(nameof(StartTrainingJob))
            .WithSummary("Start a training job")
            .WithDescription("""
                Trains a perceptron on a gate's truth table ("gate") or on your samples ("inputs" and "labels"), with
                one of the learning rules (see "algorithm"; backpropagation trains a network of "hiddenLayers"). Answers 202 with the queued job and its Location.
                With "Prefer: wait=N" (N up to Training:MaxWaitSeconds) and the job done within N seconds, answers 201
                with the finished job. A text/csv body (one sample a row, the label last, an optional header row) takes
                the hyper-parameters as query parameters instead.
                """)
            .Accepts<TrainingJobRequest>("application/json", "text/csv")
            .WithTextBody("text/csv", TrainingJobExamples.Csv)
            .WithRequestExamples(TrainingJobExamples.Start)
            .Produces<JobResponse>(StatusCodes.Status201Created)
            .Produces<JobResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
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

        group.MapGet("/{id}/epochs/{epoch}/steps", GetTrainingJobSteps)
            .AllowQuery()
            .WithName(nameof(GetTrainingJobSteps))
            .WithSummary("Read one epoch of a traced job, sample by sample")
            .WithDescription("""
                For a job started with "trace": true: every sample step of the epoch (1 or more) in the order visited,
                with z from the weights before the step, the output, the expected label, the error and the running
                bias and weights after the step. 404 when the job was not traced or has not trained that epoch yet.
                """)
            .WithResponseExample(StatusCodes.Status200OK, TrainingJobExamples.Steps)
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
            .Produces<string>(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapPost("/{id}/cancel", CancelTrainingJob)
            .AllowQuery()
            .WithName(nameof(CancelTrainingJob))
            .WithSummary("Cancel a training job")
            .WithDescription("""
                A queued job ends canceled at once; a running one is asked to stop, and the answer waits briefly
                (Training:CancelWait) for it to. The answer is the job as GET shows it: 202 when it ended canceled, or
                is still stopping ("cancelRequestedAt" set, status "running"); 409 when it had finished first.
                """)
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
            .RequirePredictionRateLimit(app)
            .AllowQuery()
            .WithName(nameof(PredictWithTrainingJob))
            .WithSummary("Predict with a job's trained model")
            .WithDescription("""
                The same answer as POST /api/v1/predict, with the trained bias, weights and activation (a network: its
                layers). A classes job answers with its labels instead: per row "z" (a number with two classes, an array
                of one per class with one-vs-rest), "output" (the class), and with "expected" labels also "correct";
                see ClassPredictResponse. 409 while the job has no result.
                """)
            .Accepts<JobPredictRequest>(isOptional: true, "application/json")
            .WithRequestExamples(TrainingJobExamples.Predict)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return group;
    }

    /// <summary>Starts a training job from a JSON body, or from a CSV body with the hyper-parameters in the query.</summary>
    /// <param name="context">The request, read as JSON or CSV by its content type.</param>
    /// <param name="query">The hyper-parameters, for a text/csv body only.</param>
    /// <param name="jobs">The job service.</param>
    /// <param name="quota">The active jobs of each client.</param>
    /// <param name="options">The training limits.</param>
    /// <param name="quotas">The memory and per-client limits.</param>
    /// <param name="json">The contract's JSON settings.</param>
    /// <param name="cancellationToken">Aborts the wait of <c>Prefer: wait</c>.</param>
    public static async Task<Results<Created<JobResponse>, Accepted<JobResponse>, ValidationProblem, ProblemHttpResult>> StartTrainingJob(
        HttpContext context,
        [AsParameters] TrainingJobQuery query,
        JobService jobs,
        ClientJobQuota quota,
        IOptions<TrainingJobOptions> options,
        IOptions<JobQuotaOptions> quotas,
        IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var errors = new Dictionary<string, string[]>();
        var (request, csv) = await TrainingRequestReader.ReadAsync(context.Request, query, json.Value.SerializerOptions, limits, errors, cancellationToken);
        if (request is null)
        {
            return errors.Count > 0
                ? TypedResults.ValidationProblem(errors)
                : TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var plan = TrainingRequestPlanner.TryPlan(request, limits, errors, csv);
        if (plan is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        JobRead? job;
        SubmitRefusal refusal;
        using (var slot = await quota.EnterAsync(ClientIdentity.Of(context), cancellationToken))
        {
            if (!slot.Available)
            {
                context.Response.Headers.RetryAfter = limits.RetryAfterSeconds.ToString();
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many active jobs",
                    detail: $"You have {quotas.Value.MaxActiveJobsPerClient} job(s) queued or running (Training:MaxActiveJobsPerClient). Wait for one to end, or cancel one.");
            }

            (job, refusal) = await jobs.SubmitAsync(plan, JobAccess.Of(context).Name, cancellationToken);
            if (job is not null)
            {
                slot.Add(job.Job.Id);
            }
        }

        if (job is null)
        {
            return Refused(context, refusal, limits, quotas.Value);
        }

        var location = JobLinks.Job(job.Job.Id);
        if (JobHeaders.PreferredWait(context.Request, limits) is { } wait)
        {
            var waited = await jobs.WaitAsync(job.Job.Id, wait, cancellationToken) ?? job;
            if (waited.Job.IsFinished)
            {
                context.Response.Headers["Preference-Applied"] = $"wait={(int)wait.TotalSeconds}";
                return TypedResults.Created(location, JobResponses.From(waited, includeHistory: true));
            }

            // Not done in time: answer as without the preference.
            job = waited;
        }

        context.Response.Headers.RetryAfter = limits.RetryAfterSeconds.ToString();
        return TypedResults.Accepted(location, JobResponses.From(job, includeHistory: true));
    }

    private static ProblemHttpResult Refused(HttpContext context, SubmitRefusal refusal, TrainingJobOptions limits, JobQuotaOptions quotas)
    {
        if (refusal == SubmitRefusal.TooLarge)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Job too large",
                detail: $"This job's data and history could take more than {quotas.MaxRetainedBytes} bytes, all the memory kept for jobs (Training:MaxRetainedBytes). Ask for fewer epochs or send less data.");
        }

        context.Response.Headers.RetryAfter = limits.RetryAfterSeconds.ToString();
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: refusal switch
            {
                SubmitRefusal.ShuttingDown => "Shutting down",
                SubmitRefusal.OverBudget => "Job memory full",
                _ => "Too many training jobs",
            },
            detail: refusal switch
            {
                SubmitRefusal.ShuttingDown => "The service is shutting down and takes no new jobs.",
                SubmitRefusal.OverBudget => $"The jobs still queued or running hold the memory kept for jobs, {quotas.MaxRetainedBytes} bytes (Training:MaxRetainedBytes), even with every finished job evicted. Retry after {limits.RetryAfterSeconds} s.",
                _ => $"The queue is full: {limits.MaxQueuedJobs} job(s) wait for a worker (Training:MaxQueuedJobs). Retry after {limits.RetryAfterSeconds} s.",
            });
    }

    /// <summary>Lists jobs newest first, without their history.</summary>
    /// <param name="status">Only jobs of this status: queued, running, succeeded, failed or canceled.</param>
    /// <param name="limit">The most jobs in this page (default and maximum: Training:MaxPageSize).</param>
    /// <param name="cursor">From the previous page's "next": the page starts after this job.</param>
    /// <param name="context">The request, whose API key decides whose jobs are listed.</param>
    /// <param name="store">The job store.</param>
    /// <param name="options">The training limits.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    public static async Task<Results<Ok<Page<JobResponse>>, ValidationProblem>> ListTrainingJobs(
        string? status,
        string? limit,
        string? cursor,
        HttpContext context,
        IJobStore store,
        IOptions<TrainingJobOptions> options,
        CancellationToken cancellationToken)
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
        var jobs = await store.ListAsync(wanted, JobAccess.Of(context), before, size + 1, cancellationToken);
        var page = jobs.Take(size).ToList();
        var next = jobs.Count > size ? JobLinks.NextJobs(wanted, size, page[^1].Job.Sequence) : null;
        return TypedResults.Ok(new Page<JobResponse>([.. page.Select(job => JobResponses.From(job, includeHistory: false))], next));
    }

    /// <summary>One job, with its history unless <c>history=false</c>.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="history">true (default) or false.</param>
    /// <param name="store">The job store.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    public static async Task<Results<Ok<JobResponse>, ValidationProblem, ProblemHttpResult>> GetTrainingJob(string id, string? history, IJobStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var includeHistory = QueryValues.Boolean("history", history, errors) ?? true;
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await store.ReadAsync(id, 0, includeHistory ? int.MaxValue : 0, cancellationToken) is { } job
            ? TypedResults.Ok(JobResponses.From(job, includeHistory))
            : NotFound(id);
    }

    /// <summary>A page of a job's epoch records.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="from">The first epoch of the page (default 0).</param>
    /// <param name="limit">The most records in the page (default and maximum: Training:MaxPageSize).</param>
    /// <param name="store">The job store.</param>
    /// <param name="options">The training limits.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    public static async Task<Results<Ok<Page<RecordJson>>, ValidationProblem, ProblemHttpResult>> GetTrainingJobHistory(
        string id,
        string? from,
        string? limit,
        IJobStore store,
        IOptions<TrainingJobOptions> options,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var beyondReach = QueryValues.IsBeyondAnyEpoch(from);
        var start = beyondReach ? int.MaxValue : QueryValues.Integer("from", from, errors) ?? 0;
        if (start < 0)
        {
            errors["from"] = [$"must be 0 or more (got {start})."];
        }

        var size = PageSize(limit, options.Value, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await store.ReadAsync(id, start, size, cancellationToken) is not { } read)
        {
            return NotFound(id);
        }

        var end = Math.Min(start, read.RecordCount) + read.Records.Count;

        // More records exist, or will once the running job records them (never a cursor before the one asked for).
        var next = !beyondReach && (end < read.RecordCount || !read.Job.IsFinished) ? JobLinks.NextHistory(id, Math.Max(end, start), size) : null;
        return TypedResults.Ok(new Page<RecordJson>(RecordJson.From(read.Records), next));
    }

    /// <summary>One epoch's sample steps of a traced job.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="epoch">The epoch, 1 or more.</param>
    /// <param name="store">The job store.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    public static async Task<Results<StepsResult, ValidationProblem, ProblemHttpResult>> GetTrainingJobSteps(string id, string epoch, IJobStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        // Not trained, a 404 as for any epoch after the last.
        var beyondReach = QueryValues.IsBeyondAnyEpoch(epoch);
        var number = beyondReach ? null : QueryValues.Integer("epoch", epoch, errors);
        if (number < 1)
        {
            errors["epoch"] = [$"must be 1 or more: epoch 0 is the initial weights, before any step (got {number})."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await store.ReadAsync(id, 0, 0, cancellationToken) is not { } read)
        {
            return NotFound(id);
        }

        if (read.Job.Parameters.Trace != true)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No trace",
                detail: $"Training job {id} kept no sample steps: start a job with \"trace\": true (perceptron, pocket or averaged) to read its epochs step by step.");
        }

        if (number is null || await store.ReadTraceAsync(id, number.Value, cancellationToken) is not { } trace)
        {
            var trained = read.Job.IsFinished ? $"it stopped after epoch {read.LastEpoch}" : $"it is {ModelMapping.Name(read.Job.Status)} and has trained {read.LastEpoch} epoch(s) so far";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Epoch not trained",
                detail: $"Training job {id} has no epoch {number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? epoch}: {trained}.");
        }

        return new StepsResult(trace.Json);
    }

    /// <summary>The job's epochs as server-sent events: replayed, then live, then a final event.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="context">The request (for Last-Event-ID) and the response the stream is written to.</param>
    /// <param name="jobs">The job service (its store, and when streams end early).</param>
    /// <param name="streams">The open event streams, counted per job and per client.</param>
    /// <param name="options">The training limits (heartbeat interval).</param>
    /// <param name="quotas">The stream limits and the write timeout.</param>
    /// <param name="json">The contract's JSON settings.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    public static async Task<Results<ServerSentEventsResult<byte[]>, ValidationProblem, ProblemHttpResult>> StreamTrainingJobEvents(
        string id,
        HttpContext context,
        JobService jobs,
        EventStreamLimits streams,
        IOptions<TrainingJobOptions> options,
        IOptions<JobQuotaOptions> quotas,
        IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        if (await jobs.Store.ReadAsync(id, 0, 0, cancellationToken) is null)
        {
            return NotFound(id);
        }

        if (!JobHeaders.TryReadResumePoint(context.Request, out var from, out var lastEventId))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["Last-Event-ID"] = [$"must be the id (epoch) of an event received before (got \"{lastEventId}\")."] },
                detail: "The Last-Event-ID header is not an epoch.");
        }

        var client = ClientIdentity.Of(context);
        var refusal = streams.TryOpen(context, id, client);
        if (refusal != StreamRefusal.None)
        {
            context.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString();
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many event streams",
                detail: refusal == StreamRefusal.PerJob
                    ? $"{quotas.Value.MaxStreamsPerJob} event streams follow this job already (Training:MaxStreamsPerJob)."
                    : $"You have {quotas.Value.MaxStreamsPerClient} event streams open (Training:MaxStreamsPerClient). Close one first.");
        }

        // A reader that stops reading is cut off after Training:EventWriteTimeout. On shutdown the jobs end, each stream
        // sends its final event, and the streams still open after a short grace are closed.
        ResponseWriteTimeout.Apply(context, quotas.Value.EventWriteTimeout);
        var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, jobs.StreamsEnd);
        context.Response.RegisterForDispose(ends);
        var events = JobEvents.Stream(jobs.Store, id, from, context.Response, json.Value.SerializerOptions, options.Value.HeartbeatInterval, ends.Token);
        return TypedResults.ServerSentEvents(streams.Counted(events, context, id, client, cancellationToken));
    }

    /// <summary>Cancels a queued or running job, and answers it as GET shows it.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="jobs">The job service.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    public static async Task<Results<Accepted<JobResponse>, ProblemHttpResult>> CancelTrainingJob(string id, JobService jobs, CancellationToken cancellationToken)
    {
        var (outcome, job) = await jobs.CancelAsync(id, JobService.CancelReason, wait: true, cancellationToken);
        if (job is null)
        {
            return NotFound(id);
        }

        return outcome == CancelOutcome.Canceled
            ? TypedResults.Accepted(JobLinks.Job(id), JobResponses.From(job, includeHistory: true))
            : TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Job already finished",
                detail: $"Training job {id} has already finished ({ModelMapping.Name(job.Job.Status)}); only queued or running jobs can be canceled.");
    }

    /// <summary>Deletes a job, canceling it first when it has not finished.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="jobs">The job service.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteTrainingJob(string id, JobService jobs, CancellationToken cancellationToken) =>
        await jobs.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : NotFound(id);

    /// <summary>Runs the job's trained model on inputs.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="request">The rows and optionally the expected outputs (a classes job: labels); empty: all binary rows.</param>
    /// <param name="context">The request, for the Retry-After of a 503.</param>
    /// <param name="store">The job store.</param>
    /// <param name="limits">The request limits.</param>
    /// <param name="predictions">Caps the heavy predictions running at once.</param>
    /// <param name="metrics">Counts the rows predicted.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    public static async Task<Results<PredictionResult, Ok<ClassPredictResponse>, ValidationProblem, ProblemHttpResult>> PredictWithTrainingJob(
        string id,
        JobPredictRequest? request,
        HttpContext context,
        IJobStore store,
        IOptions<LimitsOptions> limits,
        PredictionGate predictions,
        PerceptronMetrics metrics,
        CancellationToken cancellationToken)
    {
        if (await store.ReadAsync(id, 0, 0, cancellationToken) is not { Job: var job })
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

        var errors = new Dictionary<string, string[]>();
        if (job.Parameters.Classes is not null)
        {
            // A classes job answers with its class labels.
            if (ClassPredictions.Plan(job.Parameters, result, request, limits.Value, errors) is not { } classPlan)
            {
                return TypedResults.ValidationProblem(errors);
            }

            if (predictions.TryHold(context, classPlan.Work) is { } refused)
            {
                return refused;
            }

            if (ClassPredictions.Run(classPlan, errors) is not { } answer)
            {
                return TypedResults.ValidationProblem(errors);
            }

            metrics.PredictedRows(answer.Predictions.Count);
            return TypedResults.Ok(answer);
        }

        if (request?.ForBinary(errors) is var binary && errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // A network answers as predicting with "layers" does; one perceptron with its activation and threshold.
        var model = result.Layers is { } layers
            ? new Network(ModelMapping.FromLayers(layers), ActivationFunction.Create(Activation.Sigmoid))
            : new Network(new Perceptron(result.Bias!.Value, result.Weights!.Value), ActivationFunction.Create(job.Parameters.Activation, job.Parameters.Threshold));
        if (PredictionPlanner.Plan(model, binary, limits.Value, out errors) is not { } plan)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return predictions.Answer(context, plan, metrics) switch
        {
            { Result: PredictionResult answer } => answer,
            { Result: ValidationProblem problem } => problem,
            { Result: var other } => (ProblemHttpResult)other,
        };
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

    public static ProblemHttpResult NotFound(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Training job not found",
        detail: $"There is no training job {Echo.Bounded(id)}. Jobs are kept for Training:MaxJobAge after they finish, at most Training:MaxRetainedJobs of them.");
}
