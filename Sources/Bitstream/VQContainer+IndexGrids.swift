extension VQContainer {
  /// Codes one index grid per residual stage (each `latentHeight × latentWidth`, row-major) with the
  /// smallest coder per stage (FORMAT.md §4); stage s > 0 uses stage s − 1 as context.
  ///
  /// - Parameter priorCounts: the model's index histogram per stage (K counts each), or nil.
  public init(
    modelFingerprint: [UInt8], imageWidth: Int, imageHeight: Int, channels: Int,
    downsamplingFactor: Int, codebookSize: Int, indexGrids: [[UInt16]], priorCounts: [[UInt32]]? = nil
  ) {
    self.init(
      modelFingerprint: modelFingerprint, imageWidth: imageWidth, imageHeight: imageHeight,
      channels: channels, downsamplingFactor: downsamplingFactor, codebookSize: codebookSize, stages: [])
    precondition(priorCounts == nil || priorCounts!.count == indexGrids.count, "one prior per stage")
    for (stage, grid) in indexGrids.enumerated() {
      stages.append(
        IndexGridCoder.encode(
          grid, height: latentHeight, width: latentWidth,
          codebookSize: codebookSize, priorCounts: priorCounts?[stage],
          previousStage: stage > 0 ? indexGrids[stage - 1] : nil))
    }
  }

  /// Decodes every stage's index grid (`latentHeight × latentWidth`, row-major). Errors name the stage.
  ///
  /// - Parameter priorCounts: the model's histogram per stage; required by stages coded with `staticRange`.
  public func decodeIndexGrids(priorCounts: [[UInt32]]? = nil) throws(FormatError) -> [[UInt16]] {
    if let priorCounts, priorCounts.count != stages.count {
      throw .priorMismatch(reason: "\(priorCounts.count) priors for \(stages.count) stages")
    }
    var grids: [[UInt16]] = []
    for (stage, payload) in stages.enumerated() {
      do {
        grids.append(
          try IndexGridCoder.decode(
            payload, height: latentHeight, width: latentWidth,
            codebookSize: codebookSize, priorCounts: priorCounts?[stage], previousStage: grids.last))
      } catch {
        throw .inStage(stage, error)
      }
    }
    return grids
  }
}
