extension Tape {
  /// Transposed 2-D convolution, NHWC: the adjoint of `conv2d` with the same kernel, stride and padding, so
  /// `y[n, iy·s−p+ky, ix·s−p+kx, o] += x[n,iy,ix,c] · w[ky,kx,o,c]`, plus `bias[o]`.
  ///
  /// Shapes: `x [N, H, W, C]`, `weight [KH, KW, O, C]`, `bias [O]` → `[N, (H−1)·s − 2p + KH, (W−1)·s − 2p + KW, O]`
  /// (PyTorch's `ConvTranspose2d` weight `[C, O, KH, KW]` permuted). Computed as GEMM + col2im, in cache-sized
  /// bands when the product rows are wide (`addCol2imOfProduct`); saves nothing but its input.
  public func convTranspose2d(
    _ x: Variable, weight: Variable, bias: Variable?, stride: Int = 1, padding: Int = 0
  ) -> Variable {
    convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding, clampingOutput: false)
  }

  /// The op itself; `clampingOutput` (inference only) also applies a ReLU as each output row completes.
  private func convTranspose2d(
    _ x: Variable, weight: Variable, bias: Variable?, stride: Int, padding: Int, clampingOutput: Bool
  ) -> Variable {
    precondition(
      x.shape.count == 4 && weight.shape.count == 4, "convTranspose2d needs x [N,H,W,C] and weight [KH,KW,O,C]")
    precondition(!clampingOutput || !needsGradient(x, weight, bias ?? x), "a fused ReLU has no backward step")
    let (kh, kw, o, c) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
    precondition(x.shape[3] == c, "convTranspose2d: input has \(x.shape[3]) channels, weight expects \(c)")
    if let bias { precondition(bias.shape == [o], "convTranspose2d: bias shape \(bias.shape), expected [\(o)]") }
    let (n, h, w) = (x.shape[0], x.shape[1], x.shape[2])
    let (oh, ow) = ((h - 1) * stride - 2 * padding + kh, (w - 1) * stride - 2 * padding + kw)
    precondition(oh >= 1 && ow >= 1, "convTranspose2d: empty output")
    // The convolution whose adjoint this is maps the output [N, OH, OW, O] back to the input grid.
    let g = ConvGeometry(n: n, h: oh, w: ow, c: o, kernelHeight: kh, kernelWidth: kw, stride: stride, padding: padding)
    precondition(g.outHeight == h && g.outWidth == w, "convTranspose2d: geometry does not invert")
    var y = bias == nil ? [Float](repeating: 0, count: n * oh * ow * o) : uninitializedFloats(n * oh * ow * o)
    let label = "convTranspose2d \(kh)x\(kw)/\(stride) \(c)->\(o) @\(oh)x\(ow)" + (clampingOutput ? " (+ ReLU)" : "")
    let flop = 2 * Double(g.rows * g.patchSize * c)
    Profiler.measure(label, flop: flop) {
      convTranspose2dForward(
        x.value.scalars, weight: weight.value.scalars, bias: bias?.value.scalars, g, inChannels: c, into: &y,
        relu: clampingOutput)
    }
    let out = output(Tensor(shape: [n, oh, ow, o], scalars: y), x, weight, bias ?? x)
    onBackward(out) { [unowned self] in
      Profiler.measure(label + " backward", flop: 2 * flop) {
        let dY = out.grad
        let dCol = g.isPointwise ? dY : columns(of: dY, g)
        self.accumulateOrWrite(into: x) {
          gemm(dCol, weight.value.scalars, into: &$0, m: g.rows, n: c, k: g.patchSize, accumulate: !$1)
        }
        self.accumulate(into: weight) {
          gemm(dCol, x.value.scalars, into: &$0, m: g.patchSize, n: c, k: g.rows, transposeA: true, accumulate: true)
        }
        if let bias {
          self.accumulate(into: bias) { db in
            dY.withUnsafeBufferPointer { dy in
              db.withUnsafeMutableBufferPointer {
                addColumnSums(dy.baseAddress!, rows: n * oh * ow, width: o, into: $0.baseAddress!)
              }
            }
          }
        }
      }
    }
    return out
  }
}

extension Tape {
  /// `relu(convTranspose2d(x))`: the values of the two ops, and their gradients when recording; an inference tape
  /// clamps each output row as its sum completes instead of in another pass (`addCol2imOfProduct`).
  public func convTranspose2d(
    _ x: Variable, weight: Variable, bias: Variable?, stride: Int = 1, padding: Int = 0, reluOutput: Bool
  ) -> Variable {
    // Every output row must receive a term for the clamp to reach it: kernels at least as wide as the stride.
    if reluOutput && weight.shape[0] >= stride && weight.shape[1] >= stride && !needsGradient(x, weight, bias ?? x) {
      return convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding, clampingOutput: true)
    }
    let y = convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    return reluOutput ? relu(y) : y
  }
}

/// `y = bias + col2im(x · wᵀ)`, clamped at 0 with `relu`.
func convTranspose2dForward(
  _ x: [Float], weight: [Float], bias: [Float]?, _ g: ConvGeometry, inChannels c: Int, into y: inout [Float],
  relu: Bool = false
) {
  let o = g.c
  y.withUnsafeMutableBufferPointer { y in
    if let bias {
      bias.withUnsafeBufferPointer {
        broadcastRows($0.baseAddress!, rows: g.n * g.h * g.w, width: o, into: y.baseAddress!)
      }
    }
  }
  if g.isPointwise {
    gemm(x, weight, into: &y, m: g.rows, n: o, k: c, transposeB: true, accumulate: bias != nil)
    if relu { y.withUnsafeMutableBufferPointer { clampBelowZero($0.baseAddress!, count: $0.count) } }
    return
  }
  x.withUnsafeBufferPointer { x in
    weight.withUnsafeBufferPointer { w in
      y.withUnsafeMutableBufferPointer {
        addCol2imOfProduct(x.baseAddress!, w.baseAddress!, depth: c, g, into: $0.baseAddress!, relu: relu)
      }
    }
  }
}
