/// A fixed buffer the C shims copy library error messages into.
struct ShimMessage {
  static let capacity = 256
  var buffer = [CChar](repeating: 0, count: ShimMessage.capacity)

  /// The NUL-terminated text, on one line so it fits in an error description.
  var text: String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    let line = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).joined(separator: " ")
    return line.isEmpty ? "unknown error" : line
  }
}
