import Bitstream

/// Why the codec refused a model, an image or a file; each description is one line for the user. The cases keep the
/// structure of what went wrong (a `.vq` file's `FormatError`, the stage counts); the command line adds its flags.
public enum CodecError: Error, Equatable, CustomStringConvertible {
  case invalidModel(String)
  case modelMismatch(String)
  case unsupportedImage(String)
  /// A `.vq` file that is malformed: its header, its checksum or a stage's payload.
  case corruptFile(FormatError)
  /// `encode` was asked for `requested` stages of a model that has `available`.
  case invalidStages(requested: Int, available: Int)
  /// `encode` was asked for a quality outside 0...100.
  case invalidQuality(Double)
  /// `encode` was asked for a number of refinement steps outside `ImageCodec.effortRange`.
  case invalidEffort(Int)

  public var description: String {
    switch self {
    case .invalidModel(let why): "invalid model: \(why)"
    case .modelMismatch(let why): why
    case .unsupportedImage(let why): "unsupported image: \(why)"
    case .corruptFile(let error): "corrupt file: \(error)"
    case .invalidStages(let requested, let available):
      "this model has \(available) stage\(available == 1 ? "" : "s"); \(requested) cannot be used (1...\(available))"
    case .invalidQuality(let quality): "quality \(quality) is outside 0...100"
    case .invalidEffort(let effort):
      "effort \(effort) is outside \(ImageCodec.effortRange.lowerBound)...\(ImageCodec.effortRange.upperBound)"
    }
  }
}
