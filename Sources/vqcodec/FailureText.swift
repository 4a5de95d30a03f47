import Codec
import DefaultModel
import Training

/// Prints the failure's one `error:` line.
func tellFailure(_ error: Error) { writeToStandardError("error: \(failureText(error))\n") }

/// The one line printed for a failure: the library's description, plus the flag that helps where there is one. The
/// libraries describe what went wrong and never name flags; only the command line knows them.
func failureText(_ error: Error) -> String {
  switch error {
  case CodecError.modelMismatch: "\(error); pass the right --model"
  case CodecError.invalidStages(_, let available): "\(error): --stages must be in 1...\(available)"
  case TrainingError.imagesTooSmall: "\(error); pass a smaller --crop"
  case TrainingError.divergedAfterSaving(_, _, let savedStep, let checkpoint):
    savedStep == nil ? "\(error); try a lower --lr" : "\(error); continue with --resume \(checkpoint) and a lower --lr"
  case is DefaultModelMissing: "\(error); pass --model"
  default: "\(error)"
  }
}
