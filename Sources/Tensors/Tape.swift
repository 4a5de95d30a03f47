/// Records differentiable operations in order so that `backward` can run them in reverse (reverse-mode autodiff).
///
/// Each op computes its value and, when recording, appends one closure that adds into its inputs' gradients,
/// capturing exactly what it saved from the forward pass. An inference tape (`isRecording == false`) records nothing
/// and keeps no activations alive.
public final class Tape {
  public let isRecording: Bool
  private var backwardSteps: [() -> Void] = []
  /// Variables this tape treats as constants although they take gradients elsewhere (a trained network's weights,
  /// when only its input is optimised): no gradient is computed for them or written into them.
  private let constants: Set<ObjectIdentifier>

  public init(isRecording: Bool = true, constants: [Variable] = []) {
    self.isRecording = isRecording
    self.constants = Set(constants.map(ObjectIdentifier.init))
  }

  /// A tape for inference: no closures, no saved activations.
  public static var inference: Tape { Tape(isRecording: false) }

  /// Whether an op with these inputs must record its backward step.
  @inline(__always)
  func needsGradient(_ inputs: Variable...) -> Bool {
    isRecording && inputs.contains(where: takesGradient)
  }

  /// Whether gradients flow into `x` on this tape.
  @inline(__always)
  func takesGradient(_ x: Variable) -> Bool {
    x.requiresGrad && (constants.isEmpty || !constants.contains(ObjectIdentifier(x)))
  }

  /// Makes an op's output: it requires a gradient iff recording and some input does.
  @inline(__always)
  func output(_ value: Tensor, _ inputs: Variable...) -> Variable {
    Variable(value, requiresGrad: isRecording && inputs.contains(where: takesGradient))
  }

  /// Records a backward step for `output`; skipped when the output needs no gradient.
  @inline(__always)
  func onBackward(_ output: Variable, _ step: @escaping () -> Void) {
    guard output.requiresGrad else { return }
    backwardSteps.append {
      if !output.grad.isEmpty { step() }  // nothing reached this output: nothing to pass on
    }
  }

  /// Runs `body` on `x`'s gradient buffer (allocated on first use) when `x` takes gradients.
  @inline(__always)
  func accumulate(into x: Variable, _ body: (inout [Float]) -> Void) {
    guard takesGradient(x) else { return }
    x.ensureGrad()
    body(&x.grad)
  }

  /// `accumulate` for a body that can also write the whole gradient. `fresh`: nothing has flowed into `x` yet, and
  /// the buffer was allocated without its zero fill; the body must then write every element as adding onto zero
  /// would have (a GEMM's chains starting from zero, elementwise sums onto a zero register): the same bits, without
  /// a pass that writes zeros and another that reads them back.
  @inline(__always)
  func accumulateOrWrite(into x: Variable, _ body: (inout [Float], _ fresh: Bool) -> Void) {
    guard takesGradient(x) else { return }
    let fresh = x.grad.count != x.value.count
    if fresh { x.grad = uninitializedFloats(x.value.count) }
    body(&x.grad, fresh)
  }

  public var recordedSteps: Int { backwardSteps.count }

  /// Seeds d(loss)/d(loss) = 1 and runs every recorded step once, newest first; then releases them.
  public func backward(from loss: Variable) {
    precondition(loss.value.count == 1, "backward needs a scalar loss, got shape \(loss.shape)")
    precondition(isRecording, "backward on an inference tape")
    loss.ensureGrad()
    loss.grad[0] += 1
    for step in backwardSteps.reversed() { step() }
    backwardSteps.removeAll()
  }
}
