/// Everything that can be wrong with a `.vq` file or one of its payloads (FORMAT.md §6).
///
/// Parsing and decoding never trap on untrusted bytes: they throw one of these, and `description`
/// names the field (and its byte offset where there is one) in one line.
public enum FormatError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file ends before `field`, which starts at byte `offset`, is complete.
  case truncated(field: String, offset: Int)
  /// The first four bytes are not "VQC1".
  case wrongMagic(found: [UInt8])
  /// The u16 at offset 4 is a version this decoder does not know (it reads versions 1 and 2).
  case unsupportedVersion(found: UInt16)
  /// A header field holds a value outside its documented range.
  case fieldOutOfRange(field: String, offset: Int, value: Int, valid: String)
  /// A stage's coder id is not one of `CoderID`'s raw values.
  case unknownCoder(stage: Int, offset: Int, id: UInt8)
  /// A stage's payload length points past the end of the file.
  case payloadLengthExceedsFile(stage: Int, offset: Int, length: UInt32, available: Int)
  /// Bytes follow the CRC-32 that no field accounts for.
  case trailingBytes(count: Int)
  /// The stored CRC-32 differs from the CRC-32 of the bytes before it.
  case checksumMismatch(stored: UInt32, computed: UInt32)
  /// A `BitReader` was asked for more bits than remain.
  case outOfBits(requested: Int, remaining: Int)
  /// An entropy-coded or packed payload that no encoder could have written.
  case malformedPayload(reason: String)
  /// A decoded index is not below the codebook size K (or, for coder 3, not at most K: K marks a skip).
  case indexOutOfRange(index: Int, codebookSize: Int)
  /// The static coder needs the model's prior counts, and none (or ones of the wrong length) were given.
  case priorMismatch(reason: String)
  /// A coder was used with a codebook size it does not support.
  case unsupportedCodebookSize(coder: CoderID, codebookSize: Int)
  /// Wraps an error raised while decoding the payload of stage `stage`.
  indirect case inStage(Int, FormatError)

  public var description: String {
    switch self {
    case .truncated(let field, let offset):
      return "file is truncated: it ends inside \(field), which starts at byte \(offset)"
    case .wrongMagic(let found):
      let hex = found.map { String($0, radix: 16) }.joined(separator: " ")
      return "not a .vq file: magic at offset 0 is [\(hex)], expected 56 51 43 31 (\"VQC1\")"
    case .unsupportedVersion(let found):
      return "format version \(found) at offset 4 is not supported (this decoder reads versions 1 and 2)"
    case .fieldOutOfRange(let field, let offset, let value, let valid):
      return "\(field) at offset \(offset) is \(value); valid: \(valid)"
    case .unknownCoder(let stage, let offset, let id):
      return "stage \(stage) coder id at offset \(offset) is \(id); known ids are 0, 1, 2, 3"
    case .payloadLengthExceedsFile(let stage, let offset, let length, let available):
      return "stage \(stage) payload length at offset \(offset) is \(length) but only \(available) bytes remain "
        + "(truncated file or corrupt length)"
    case .trailingBytes(let count):
      return "\(count) unexpected bytes follow the CRC-32 field"
    case .checksumMismatch(let stored, let computed):
      return "CRC-32 mismatch: file stores \(hex32(stored)), contents hash to \(hex32(computed)) (corrupt file)"
    case .outOfBits(let requested, let remaining):
      return "payload ends early: \(requested) bits requested, \(remaining) remain"
    case .malformedPayload(let reason):
      return "malformed payload: \(reason)"
    case .indexOutOfRange(let index, let codebookSize):
      return "decoded index \(index) is not below the codebook size K = \(codebookSize)"
    case .priorMismatch(let reason):
      return "prior counts do not fit this file: \(reason)"
    case .unsupportedCodebookSize(let coder, let codebookSize):
      return "coder \(coder) does not support K = \(codebookSize)"
    case .inStage(let stage, let error):
      return "stage \(stage): \(error.description)"
    }
  }
}

private func hex32(_ value: UInt32) -> String {
  let digits = String(value, radix: 16)
  return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
