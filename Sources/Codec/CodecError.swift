/// Why the codec refused a model, an image or a file; each description is one line for the user.
public enum CodecError: Error, Equatable, CustomStringConvertible {
  case invalidModel(String)
  case modelMismatch(String)
  case unsupportedImage(String)
  case corruptFile(String)
  case invalidStages(String)

  public var description: String {
    switch self {
    case .invalidModel(let why): "invalid model: \(why)"
    case .modelMismatch(let why): why
    case .unsupportedImage(let why): "unsupported image: \(why)"
    case .corruptFile(let why): "corrupt file: \(why)"
    case .invalidStages(let why): why
    }
  }
}
