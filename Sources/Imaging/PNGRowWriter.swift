import CPNG
import Glibc

/// An 8-bit RGB PNG compressed as its rows arrive and handed to a sink piece by piece, so an image can be written in
/// bands without ever being whole in memory (the decoder of a 100-megapixel `.vq` file writes it this way).
public final class PNGRowWriter {
  /// Receives the PNG's bytes in order; a throw ends the encoding with that error.
  public typealias Sink = (UnsafeRawBufferPointer) throws -> Void

  public let width: Int
  public let height: Int
  private let sink: SinkBox
  private var writer: OpaquePointer?
  private var rowsWritten = 0

  /// Starts a `width × height` PNG (both in 1...2^31 − 1); the header goes to `sink` at once.
  public init(width: Int, height: Int, sink: @escaping Sink) throws {
    precondition(width > 0 && height > 0 && width <= Int(Int32.max) && height <= Int(Int32.max), "bad PNG size")
    (self.width, self.height) = (width, height)
    self.sink = SinkBox(sink)
    let context = Unmanaged.passUnretained(self.sink).toOpaque()
    var created: OpaquePointer?
    try call { sinkError, text, size in
      cpng_writer_begin(forwardToSink, context, UInt32(width), UInt32(height), &created, sinkError, text, size)
    }
    writer = created
  }

  deinit { cpng_writer_free(writer) }

  /// Compresses whole rows (`width × 3` bytes each), continuing where the last call stopped.
  public func append(_ rows: UnsafeBufferPointer<UInt8>) throws {
    let stride = width * 3
    precondition(rows.count % stride == 0 && rowsWritten + rows.count / stride <= height, "rows beyond the image")
    guard let writer, rows.count > 0 else { return }
    try call { cpng_writer_rows(writer, rows.baseAddress, UInt32(rows.count / stride), $0, $1, $2) }
    rowsWritten += rows.count / stride
  }

  /// Ends the file once every row is in.
  public func finish() throws {
    precondition(rowsWritten == height, "\(rowsWritten) of \(height) rows written")
    guard let writer else { return }
    self.writer = nil
    try call { cpng_writer_end(writer, $0, $1, $2) }
  }

  /// Runs a shim call; a failure is the sink's own error when the sink failed, libpng's message otherwise.
  private func call(_ body: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<CChar>, Int) -> cpng_status) throws {
    var message = ShimMessage()
    var sinkError: Int32 = 0
    let status = message.buffer.withUnsafeMutableBufferPointer { body(&sinkError, $0.baseAddress!, $0.count) }
    guard status != CPNG_OK else { return }
    cpng_writer_free(writer)
    writer = nil
    if let error = sink.error { throw error }
    throw ImageError.encoderFailed(format: .png, message: message.text)
  }
}

/// The sink and the error it threw, reachable from the C callback through an unretained pointer.
private final class SinkBox {
  let sink: PNGRowWriter.Sink
  var error: Error?
  init(_ sink: @escaping PNGRowWriter.Sink) { self.sink = sink }
}

private func forwardToSink(_ context: UnsafeMutableRawPointer?, _ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
  let box = Unmanaged<SinkBox>.fromOpaque(context!).takeUnretainedValue()
  do {
    try box.sink(UnsafeRawBufferPointer(start: bytes, count: count))
    return 0
  } catch {
    box.error = error
    return EIO
  }
}
