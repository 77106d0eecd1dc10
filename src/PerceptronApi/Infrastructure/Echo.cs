namespace PerceptronApi.Infrastructure;

/// <summary>Client text quoted back in an error: at most a bounded piece, so an answer never grows with the request.</summary>
internal static class Echo
{
    /// <summary>The most characters of client text an error quotes.</summary>
    public const int MaxLength = 100;

    /// <summary><paramref name="text"/>, or its first <see cref="MaxLength"/> characters and an ellipsis.</summary>
    public static string Bounded(string text) => text.Length <= MaxLength ? text : $"{text[..MaxLength]}…";
}
