/// Why training could not start or continue; one line each.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
  case missingFolder(String)
  case notAFolder(String)
  case noImages(String)
  case noUsableImages(String, skipped: Int)
  case imagesTooSmall(String, crop: Int)
  case badCheckpoint(String)
  case invalidOption(String)

  public var description: String {
    switch self {
    case .missingFolder(let f): "\(f): no such folder"
    case .notAFolder(let f): "\(f): not a folder"
    case .noImages(let f): "\(f): no PNG or JPEG files found (searched recursively)"
    case .noUsableImages(let f, let skipped): "\(f): none of the images could be read (\(skipped) skipped)"
    case .imagesTooSmall(let f, let crop): "\(f): no image is at least \(crop)×\(crop) pixels; pass a smaller --crop"
    case .badCheckpoint(let why): "cannot resume: \(why)"
    case .invalidOption(let why): why
    }
  }
}
