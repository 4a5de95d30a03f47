extension Tape {
  /// A stride-1 convolution that narrows the channels (`O < C`, e.g. the residual blocks' 3×3 128→32), computed as
  /// the transposed convolution it equals: `conv2d(x, w, p) = convTranspose2d(x, flip(w), k−1−p)`, where `flip`
  /// mirrors the kernel and swaps its channel axes.
  ///
  /// Why: im2col would copy `k²·C` floats per output pixel and multiply them by a skinny `[k²·C, O]` matrix; the
  /// transposed form multiplies `x` itself by a `[C, k²·O]` matrix and then shifts and adds `k²·O` floats per
  /// pixel, so the large intermediate shrinks by `C/O` and every GEMM has a healthy shape. Measured on `bench-f4`'s
  /// 3×3 128→32: see Docs/PERFORMANCE.md.
  func conv2dAsTransposed(
    _ x: Variable, weight: Variable, bias: Variable?, _ g: ConvGeometry, outChannels o: Int
  ) -> Variable {
    let (c, k) = (g.c, g.kernelHeight)
    // The convolution whose adjoint maps y [N, OH, OW, O] onto the input grid [N, H, W, ·].
    let gt = ConvGeometry(
      n: g.n, h: g.outHeight, w: g.outWidth, c: o, kernelHeight: k, kernelWidth: k, stride: 1,
      padding: k - 1 - g.padding)
    let label = "conv2d \(k)x\(k)/1 \(c)->\(o) @\(g.outHeight)x\(g.outWidth) (transposed form)"
    let flop = 2 * Double(g.rows * g.patchSize * o)
    let flipped = flippedKernel(weight.value.scalars, k: k, inChannels: c, outChannels: o)
    var y = bias == nil ? [Float](repeating: 0, count: g.rows * o) : uninitializedFloats(g.rows * o)
    Profiler.measure(label, flop: flop) {
      convTranspose2dForward(x.value.scalars, weight: flipped, bias: bias?.value.scalars, gt, inChannels: c, into: &y)
    }
    let out = output(Tensor(shape: [g.n, g.outHeight, g.outWidth, o], scalars: y), x, weight, bias ?? x)
    onBackward(out) { [unowned self] in
      Profiler.measure(label + " backward", flop: 2 * flop) {
        let dY = out.grad
        let dCol = columns(of: dY, gt)
        self.accumulateOrWrite(into: x) {
          gemm(dCol, flipped, into: &$0, m: gt.rows, n: c, k: gt.patchSize, accumulate: !$1)
        }
        self.accumulate(into: weight) { dW in
          var dFlipped = uninitializedFloats(gt.patchSize * c)
          gemm(dCol, x.value.scalars, into: &dFlipped, m: gt.patchSize, n: c, k: gt.rows, transposeA: true)
          let back = flippedKernel(dFlipped, k: k, inChannels: o, outChannels: c)
          for i in 0..<dW.count { dW[i] += back[i] }
        }
        if let bias {
          self.accumulate(into: bias) { db in
            dY.withUnsafeBufferPointer { dy in
              db.withUnsafeMutableBufferPointer {
                addColumnSums(dy.baseAddress!, rows: g.rows, width: o, into: $0.baseAddress!)
              }
            }
          }
        }
      }
    }
    return out
  }
}

/// `[k, k, C, O] → [k, k, O, C]` with the taps mirrored: `out[ky, kx, o, c] = w[k−1−ky, k−1−kx, c, o]`.
/// Applied to its own output it gives back the original layout.
func flippedKernel(_ w: [Float], k: Int, inChannels c: Int, outChannels o: Int) -> [Float] {
  var out = uninitializedFloats(w.count)
  for ky in 0..<k {
    for kx in 0..<k {
      let src = ((k - 1 - ky) * k + (k - 1 - kx)) * c * o
      let dst = (ky * k + kx) * o * c
      for ci in 0..<c {
        for oi in 0..<o { out[dst + oi * c + ci] = w[src + ci * o + oi] }
      }
    }
  }
  return out
}
