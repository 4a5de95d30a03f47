import Tensors

extension VQModel {
  /// Starts this model's encoder and decoder from `source`'s trained weights (fine-tuning): the transforms must
  /// have the same architecture (f, widths, blocks, D, activation); the quantizer may differ in K, stage count and estimator,
  /// and keeps its own fresh codebooks, which k-means starts from the warm encoder's outputs on the first batch.
  public func copyTransforms(from source: VQModel) throws(CodecError) {
    let (a, b) = (configuration, source.configuration)
    guard a.downsampling == b.downsampling, a.width == b.width, a.residualBlocks == b.residualBlocks,
      a.residualHidden == b.residualHidden, a.latentDimension == b.latentDimension, a.activation == b.activation
    else {
      throw .modelMismatch(
        "cannot start from a model with a different encoder/decoder (f\(b.downsampling), width \(b.width), "
          + "\(b.residualBlocks) blocks of \(b.residualHidden), D \(b.latentDimension), \(b.activation); "
          + "this run needs f\(a.downsampling), width \(a.width), "
          + "\(a.residualBlocks) blocks of \(a.residualHidden), D \(a.latentDimension), \(a.activation))")
    }
    let targets = encoder.parameters + decoder.parameters
    let sources = source.encoder.parameters + source.decoder.parameters
    precondition(
      zip(targets, sources).allSatisfy { $0.value.shape == $1.value.shape }, "same configuration, different layers")
    for (target, weights) in zip(targets, sources) { target.value = weights.value }
  }

  /// Fine-tuning with `--keep-codebooks`: the first `min(S, S_source)` stages adopt `source`'s codebooks, so the run
  /// does not spend its first steps relearning them; stages beyond the source's still start from k-means. Both
  /// models must be residual with the same K. Returns how many stages were copied.
  public func copyCodebooks(from source: VQModel) throws(CodecError) -> Int {
    guard case .residual(let mine) = bottleneck, case .residual(let theirs) = source.bottleneck else {
      throw .modelMismatch("codebooks can be kept only between residual (straight-through) models")
    }
    guard mine.codes == theirs.codes, mine.dimension == theirs.dimension else {
      throw .modelMismatch(
        "cannot keep codebooks of K \(theirs.codes) for a run with K \(mine.codes) (give the same --codebook-size)")
    }
    for (stage, trained) in zip(mine.stages, theirs.stages) {
      stage.adopt(codes: trained.codebook.embeddings.value.scalars)
    }
    return min(mine.stages.count, theirs.stages.count)
  }
}
