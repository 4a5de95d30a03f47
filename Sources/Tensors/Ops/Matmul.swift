extension Tape {
  /// Matrix product `[m, k] · [k, n] → [m, n]` (sgemm). Backward: `dA += dY·Bᵀ`, `dB += Aᵀ·dY`.
  public func matmul(_ a: Variable, _ b: Variable) -> Variable {
    precondition(
      a.shape.count == 2 && b.shape.count == 2 && a.shape[1] == b.shape[0],
      "matmul: shapes \(a.shape) and \(b.shape) do not multiply")
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    var y = uninitializedFloats(m * n)
    gemm(a.value.scalars, b.value.scalars, into: &y, m: m, n: n, k: k)
    let out = output(Tensor(shape: [m, n], scalars: y), a, b)
    onBackward(out) { [unowned self] in
      self.accumulate(into: a) {
        gemm(out.grad, b.value.scalars, into: &$0, m: m, n: k, k: n, transposeB: true, accumulate: true)
      }
      self.accumulate(into: b) {
        gemm(a.value.scalars, out.grad, into: &$0, m: k, n: n, k: m, transposeA: true, accumulate: true)
      }
    }
    return out
  }
}
