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
}
