/// A tensor in a computation: its value, the gradient of the loss with respect to it (filled by `Tape.backward`),
/// and whether gradients flow into it.
public final class Variable {
  public var value: Tensor
  /// Gradient with the shape of `value`; empty until something flows into it (see `ensureGrad`).
  public var grad: [Float] = []
  public let requiresGrad: Bool
  /// A name for parameter files and debugging.
  public var name: String

  public init(_ value: Tensor, requiresGrad: Bool = true, name: String = "") {
    self.value = value
    self.requiresGrad = requiresGrad
    self.name = name
  }

  public var shape: [Int] { value.shape }
  public var scalars: [Float] { value.scalars }

  /// A constant with the same value: the graph stops here (`{·}` in the notes, `.detach()` in PyTorch).
  public func detached() -> Variable { Variable(value, requiresGrad: false, name: name) }

  /// Allocates a zero gradient on first use; backward kernels add into it.
  @inline(__always)
  public func ensureGrad() {
    if grad.count != value.count { grad = zeroedFloats(value.count) }
  }

  /// Resets the gradient to zero, keeping its buffer.
  public func zeroGrad() {
    if grad.isEmpty { return }
    grad.withUnsafeMutableBufferPointer { g in g.update(repeating: 0) }
  }

  /// The gradient as a tensor (zeros if nothing flowed in).
  public var gradTensor: Tensor {
    Tensor(shape: value.shape, scalars: grad.count == value.count ? grad : [Float](repeating: 0, count: value.count))
  }
}
