import RealModule
import Tensors

/// Adam (Kingma & Ba) with bias correction and optional decoupled weight decay (AdamW when `weightDecay > 0`).
public final class Adam {
  public let parameters: [Variable]
  public var learningRate: Float
  public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
  /// Steps taken so far (for bias correction; saved in checkpoints).
  public var step = 0
  /// First and second moment estimates, one buffer per parameter (saved in checkpoints).
  public var firstMoments: [[Float]]
  public var secondMoments: [[Float]]

  public init(
    parameters: [Variable], learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
    weightDecay: Float = 0
  ) {
    self.parameters = parameters
    (self.learningRate, self.beta1, self.beta2, self.epsilon, self.weightDecay) = (
      learningRate, beta1, beta2, epsilon, weightDecay
    )
    firstMoments = parameters.map { [Float](repeating: 0, count: $0.value.count) }
    secondMoments = parameters.map { [Float](repeating: 0, count: $0.value.count) }
  }

  /// Applies one update from the current gradients (parameters without a gradient are left alone).
  public func update() {
    step += 1
    let correction1 = 1 - Float.pow(beta1, Float(step))
    let correction2 = 1 - Float.pow(beta2, Float(step))
    let (lr, b1, b2, eps, decay) = (learningRate, beta1, beta2, epsilon, weightDecay)
    for (k, p) in parameters.enumerated() where p.grad.count == p.value.count && !p.grad.isEmpty {
      p.value.scalars.withUnsafeMutableBufferPointer { w in
        p.grad.withUnsafeBufferPointer { g in
          firstMoments[k].withUnsafeMutableBufferPointer { m in
            secondMoments[k].withUnsafeMutableBufferPointer { v in
              let (w, g, m, v, count) = (w.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!, w.count)
              // Elementwise, so large tensors are split between threads with the same results.
              let chunks = count >= Self.elementsPerThread ? ComputeThreads.count : 1
              concurrentPerform(chunks) { t in
                for i in (count * t / chunks)..<(count * (t + 1) / chunks) {
                  m[i] = b1 * m[i] + (1 - b1) * g[i]
                  v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                  let update = (m[i] / correction1) / ((v[i] / correction2).squareRoot() + eps)
                  w[i] -= lr * (update + decay * w[i])
                }
              }
            }
          }
        }
      }
    }
  }

  /// Parameters smaller than this are updated by one thread: the dispatch would cost more than it saves.
  static let elementsPerThread = 1 << 14

  public func zeroGradients() {
    for p in parameters { p.zeroGrad() }
  }
}
