using System.Buffers;
using System.Runtime.ExceptionServices;

namespace PerceptronApi.Training;

/// <summary>
/// A CSV body read into pieces of at least <see cref="PieceBytes"/> (all but the last), each ending just after a line
/// feed that ends a row, so that each piece parses on its own to the rows the whole body would give. A line feed ends a
/// row when an even number of quotes comes before it: that is how Sep reads quotes (every one toggles quoting, a field
/// ends only outside them), so no piece ends inside a quoted field. Cutting after a byte 0x0A is safe in UTF-8, where it
/// is never part of another character; a body that starts with a UTF-16 or UTF-32 byte-order mark is one piece.
/// Every byte read is kept until disposal, so the body can be read again from its start by <see cref="Replay"/>.
/// </summary>
internal sealed class CsvBodyPieces(Stream body) : IDisposable
{
    /// <summary>
    /// About half a megabyte: small enough that a file of a few megabytes makes more pieces than there are cores, large
    /// enough that setting up a reader for each (a few microseconds) does not count.
    /// </summary>
    public const int PieceBytes = 512 << 10;

    private readonly List<ArraySegment<byte>> _pieces = [];
    private byte[] _chunk = ArrayPool<byte>.Shared.Rent(PieceBytes * 2);
    private int _filled;
    private int _scanned; // how far _chunk has been scanned for a cut,
    private bool _inQuotes; // whether that point is inside quotes (the chunk starts outside them),
    private int _lastCut; // and the last place a piece can end before it (0: none yet)
    private bool _splittable = true;
    private bool _ended;

    /// <summary>Whether the body has been read to its end (the last piece handed out is its end).</summary>
    public bool Ended => _ended;

    /// <summary>The next piece, or an empty segment when the body is read.</summary>
    public async ValueTask<ArraySegment<byte>> NextAsync(CancellationToken cancellationToken)
    {
        while (!_ended)
        {
            if (_filled >= PieceBytes && _splittable)
            {
                if (_pieces.Count == 0 && StartsWithWideByteOrderMark(_chunk.AsSpan(0, _filled)))
                {
                    _splittable = false; // UTF-16 or UTF-32: a 0x0A byte need not be a line feed
                    continue;
                }

                Scan();
                if (_lastCut > 0)
                {
                    return Cut(_lastCut);
                }
            }

            if (_filled == _chunk.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(_chunk.Length * 2);
                _chunk.AsSpan(0, _filled).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_chunk);
                _chunk = larger;
            }

            var read = await body.ReadAsync(_chunk.AsMemory(_filled), cancellationToken);
            if (read == 0)
            {
                _ended = true;
                if (_filled > 0)
                {
                    var last = new ArraySegment<byte>(_chunk, 0, _filled);
                    _pieces.Add(last);
                    _chunk = [];
                    _filled = 0;
                    return last;
                }
            }

            _filled += read;
        }

        return ArraySegment<byte>.Empty;
    }

    /// <summary>
    /// The most rows the bytes read so far can hold: one more than their line ends (a row ends at a line feed, a carriage
    /// return or both).
    /// </summary>
    public long MostRowsRead()
    {
        long ends = _chunk.AsSpan(0, _filled).Count((byte)'\n') + _chunk.AsSpan(0, _filled).Count((byte)'\r');
        foreach (var piece in _pieces)
        {
            ends += piece.AsSpan().Count((byte)'\n') + piece.AsSpan().Count((byte)'\r');
        }

        return ends + 1;
    }

    /// <summary>
    /// The body from its first byte: what has been read, then <paramref name="failure"/> rethrown if reading failed,
    /// else the rest of the body as it arrives.
    /// </summary>
    public Stream Replay(ExceptionDispatchInfo? failure) =>
        new ReplayStream([.. _pieces, new ArraySegment<byte>(_chunk, 0, _filled)], failure, body);

    public void Dispose()
    {
        foreach (var piece in _pieces)
        {
            ArrayPool<byte>.Shared.Return(piece.Array!);
        }

        _pieces.Clear();
        if (_chunk.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_chunk);
            _chunk = [];
        }
    }

    private static bool StartsWithWideByteOrderMark(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])
        || bytes.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]);

    /// <summary>Scans what arrived since the last scan for the last line feed outside quotes.</summary>
    private void Scan()
    {
        var fresh = _chunk.AsSpan(_scanned, _filled - _scanned);
        if (!_inQuotes && !fresh.Contains((byte)'"'))
        {
            // The common case, no quotes: one vectorised search from the end.
            if (fresh.LastIndexOf((byte)'\n') is var feed and >= 0)
            {
                _lastCut = _scanned + feed + 1;
            }
        }
        else
        {
            for (var i = 0; i < fresh.Length; i++)
            {
                if (fresh[i] == '"')
                {
                    _inQuotes = !_inQuotes;
                }
                else if (fresh[i] == '\n' && !_inQuotes)
                {
                    _lastCut = _scanned + i + 1;
                }
            }
        }

        _scanned = _filled;
    }

    /// <summary>Hands out the chunk up to <paramref name="end"/> and moves the bytes after it to a fresh chunk.</summary>
    private ArraySegment<byte> Cut(int end)
    {
        var piece = new ArraySegment<byte>(_chunk, 0, end);
        _pieces.Add(piece);
        var rest = _filled - end;
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(PieceBytes * 2, rest * 2));
        _chunk.AsSpan(end, rest).CopyTo(next);
        _chunk = next;
        _filled = rest;
        // The cut is outside quotes; the few bytes after it (the start of a row) are scanned again.
        _scanned = 0;
        _inQuotes = false;
        _lastCut = 0;
        return piece;
    }

    /// <summary>Reads the kept bytes, then rethrows the reading's failure or goes on with the body.</summary>
    private sealed class ReplayStream(ArraySegment<byte>[] kept, ExceptionDispatchInfo? failure, Stream rest) : Stream
    {
        private int _segment;
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = ReadKept(buffer);
            return read > 0 || buffer.IsEmpty ? read : ReadRest().Read(buffer);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = ReadKept(buffer.Span);
            return read > 0 || buffer.IsEmpty ? ValueTask.FromResult(read) : ReadRest().ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int ReadKept(Span<byte> buffer)
        {
            while (_segment < kept.Length)
            {
                var left = kept[_segment].AsSpan(_offset);
                if (left.IsEmpty)
                {
                    _segment++;
                    _offset = 0;
                    continue;
                }

                var count = Math.Min(left.Length, buffer.Length);
                left[..count].CopyTo(buffer);
                _offset += count;
                return count;
            }

            return 0;
        }

        private Stream ReadRest()
        {
            failure?.Throw();
            return rest;
        }
    }
}
