import Tensors

/// Scales all gradients together so that their global L2 norm is at most `maxNorm`; returns the norm before
/// clipping (worth logging: spikes show instability before the loss does).
@discardableResult
public func clipGradientNorm(_ parameters: [Variable], maxNorm: Float) -> Float {
  var total = 0.0
  for p in parameters { p.grad.withUnsafeBufferPointer { for g in $0 { total += Double(g) * Double(g) } } }
  let norm = Float(total.squareRoot())
  if norm > maxNorm && norm > 0 {
    let scale = maxNorm / norm
    for p in parameters {
      p.grad.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] *= scale } }
    }
  }
  return norm
}
