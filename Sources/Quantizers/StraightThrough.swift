import Tensors

extension Tape {
  /// The straight-through estimator: the value of `target`, the gradient of the identity in `source`.
  ///
  /// Written `sg[target] + (source − sg[source])` rather than `source + sg[target − source]`: the two are equal
  /// in exact arithmetic and pass the gradient to `source` unchanged, but this form's value is `target` to the
  /// last bit (`s − s = 0` exactly), so the decoder sees the same codes in training as when decoding a file.
  /// `target` receives no gradient.
  public func straightThrough(_ source: Variable, to target: Tensor) -> Variable {
    precondition(source.shape == target.shape, "straightThrough: shapes \(source.shape) and \(target.shape) differ")
    let zero = subtract(source, source.detached())
    return add(Variable(target, requiresGrad: false), zero)
  }
}
