/// Why training could not start or continue; one line each.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
  case missingFolder(String)
  case notAFolder(String)
  case noImages(String)
  case noUsableImages(String, skipped: Int)
  case imagesTooSmall(String, crop: Int)
  case badCheckpoint(String)
  case invalidOption(String)
  /// A step's `quantity` (the loss or the gradient) was NaN or infinite; nothing from that step was kept.
  case diverged(step: Int, quantity: String)
  /// `diverged`, with what the run had saved before: the model and checkpoint of `savedStep`, or nothing.
  case divergedAfterSaving(step: Int, quantity: String, savedStep: Int?, checkpoint: String)
  case writeFailed(String)

  public var description: String {
    switch self {
    case .missingFolder(let f): "\(f): no such folder"
    case .notAFolder(let f): "\(f): not a folder"
    case .noImages(let f): "\(f): no PNG or JPEG files found (searched recursively)"
    case .noUsableImages(let f, let skipped): "\(f): none of the images could be read (\(skipped) skipped)"
    case .imagesTooSmall(let f, let crop): "\(f): no image is at least \(crop)×\(crop) pixels"
    case .badCheckpoint(let why): "cannot resume: \(why)"
    case .invalidOption(let why): why
    case .diverged(let step, let quantity): "training diverged at step \(step): the \(quantity) is not finite"
    case .divergedAfterSaving(let step, let quantity, let savedStep, let checkpoint):
      "training diverged at step \(step): the \(quantity) is not finite; "
        + (savedStep.map { "no model written for it; the model and \(checkpoint) of step \($0) are kept" }
          ?? "nothing was written (no checkpoint yet)")
    case .writeFailed(let why): why
    }
  }
}
