namespace RqVae.Data.IdTables;

/// <summary>One output format of <see cref="SemanticIdTableWriter"/>: receives validated rows, finishes the file.</summary>
internal interface IIdTableSink : IDisposable
{
    /// <summary>Writes rows: ids[i] with codes[i*levels .. (i+1)*levels).</summary>
    void Write(IReadOnlyList<string> ids, ReadOnlySpan<int> codes);

    /// <summary>Flushes everything that is buffered (the caller then commits the file).</summary>
    void Finish();
}
