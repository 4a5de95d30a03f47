extension Tape {
  /// 2-D convolution, NHWC: `y[n,oy,ox,o] = bias[o] + Σ_{ky,kx,c} x[n, oy·s−p+ky, ox·s−p+kx, c] · w[ky,kx,c,o]`.
  ///
  /// Shapes: `x [N, H, W, C]`, `weight [KH, KW, C, O]`, `bias [O]` → `[N, OH, OW, O]`.
  /// Three ways, chosen by shape and tape (Docs/ARCHITECTURE.md, "Convolutions are GEMMs"): on an inference tape with
  /// stride 1 and an image-sized input, shifted GEMMs over the padded input (`ShiftedConvolution`, the same bits as
  /// im2col); a stride-1 convolution that narrows the channels, as the transposed convolution it equals
  /// (`conv2dAsTransposed`); otherwise im2col + one GEMM over the whole batch (a 1×1 convolution skips im2col), the
  /// column matrix saved for the weight gradient when recording.
  public func conv2d(_ x: Variable, weight: Variable, bias: Variable?, stride: Int = 1, padding: Int = 0) -> Variable {
    precondition(x.shape.count == 4 && weight.shape.count == 4, "conv2d needs x [N,H,W,C] and weight [KH,KW,C,O]")
    let (kh, kw, c, o) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
    precondition(x.shape[3] == c, "conv2d: input has \(x.shape[3]) channels, weight expects \(c)")
    if let bias { precondition(bias.shape == [o], "conv2d: bias shape \(bias.shape), expected [\(o)]") }
    let g = ConvGeometry(
      n: x.shape[0], h: x.shape[1], w: x.shape[2], c: c, kernelHeight: kh, kernelWidth: kw, stride: stride,
      padding: padding)
    if runsShifted(g, x, weight, bias) {
      return conv2dShifted(x, weight: weight, bias: bias, g, outChannels: o, reluInput: false, reluOutput: false)
    }
    if stride == 1 && kh == kw && kh > 1 && padding < kh && o < c {
      return conv2dAsTransposed(x, weight: weight, bias: bias, g, outChannels: o)
    }
    let label = "conv2d \(kh)x\(kw)/\(stride) \(c)->\(o) @\(g.outHeight)x\(g.outWidth)"
    let flop = 2 * Double(g.rows * g.patchSize * o)
    var y = uninitializedFloats(g.rows * o)
    let col = Profiler.measure(label, flop: flop) {
      let col = g.isPointwise ? x.value.scalars : columns(of: x.value.scalars, g)
      conv2dForward(col: col, weight: weight.value.scalars, bias: bias?.value.scalars, g, outChannels: o, into: &y)
      return col
    }
    let out = output(Tensor(shape: [g.n, g.outHeight, g.outWidth, o], scalars: y), x, weight, bias ?? x)
    onBackward(out) { [unowned self] in
      Profiler.measure(label + " backward", flop: 2 * flop) {
        let dY = out.grad
        self.accumulate(into: weight) {
          gemm(col, dY, into: &$0, m: g.patchSize, n: o, k: g.rows, transposeA: true, accumulate: true)
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
        self.accumulateOrWrite(into: x) { dX, fresh in
          conv2dBackwardData(dY: dY, weight: weight.value.scalars, g, outChannels: o, into: &dX, fresh: fresh)
        }
      }
    }
    return out
  }
}

extension Tape {
  /// `relu(conv2d(relu(x)))`, either ReLU optional (the residual blocks' pattern): the values of the separate ops,
  /// and their gradients when recording, but an inference tape on a large image applies the ReLUs while it copies
  /// the input and the output anyway (`ShiftedConvolution`), saving two passes over memory.
  public func conv2d(
    _ x: Variable, weight: Variable, bias: Variable?, stride: Int = 1, padding: Int = 0, reluInput: Bool,
    reluOutput: Bool
  ) -> Variable {
    let (kh, kw, o) = (weight.shape[0], weight.shape[1], weight.shape[3])
    let g = ConvGeometry(
      n: x.shape[0], h: x.shape[1], w: x.shape[2], c: x.shape[3], kernelHeight: kh, kernelWidth: kw, stride: stride,
      padding: padding)
    if weight.shape[2] == g.c && runsShifted(g, x, weight, bias) {
      return conv2dShifted(
        x, weight: weight, bias: bias, g, outChannels: o, reluInput: reluInput, reluOutput: reluOutput)
    }
    let y = conv2d(reluInput ? relu(x) : x, weight: weight, bias: bias, stride: stride, padding: padding)
    return reluOutput ? relu(y) : y
  }

  /// `residual + conv1×1(x)` (the residual block's end). An inference tape starts the GEMM's sums from
  /// `residual + bias`, one pass, instead of writing the convolution and adding it in another two; recording
  /// tapes run the separate ops. (The fused sum rounds differently from the separate one: inference's result is the
  /// fused one on every machine.)
  public func conv2d(_ x: Variable, weight: Variable, bias: Variable?, adding residual: Variable) -> Variable {
    let (n, h, w, c, o) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], weight.shape[3])
    guard weight.shape == [1, 1, c, o], residual.shape == [n, h, w, o], !needsGradient(x, weight, bias ?? x, residual)
    else { return add(residual, conv2d(x, weight: weight, bias: bias)) }
    let rows = n * h * w
    var y = uninitializedFloats(rows * o)
    Profiler.measure("conv2d 1x1/1 \(c)->\(o) @\(h)x\(w) (+ residual)", flop: 2 * Double(rows * c * o)) {
      let biasScalars = bias?.value.scalars ?? [Float](repeating: 0, count: o)
      residual.value.scalars.withUnsafeBufferPointer { r in
        biasScalars.withUnsafeBufferPointer { b in
          y.withUnsafeMutableBufferPointer { y in
            let (r, b, y) = (r.baseAddress!, b.baseAddress!, y.baseAddress!)
            parallelFor(rows, minimumPerChunk: 256) { start, end in
              for row in start..<end {
                let (src, dst) = (r + row * o, y + row * o)
                for j in 0..<o { dst[j] = src[j] + b[j] }
              }
            }
          }
        }
      }
      gemm(x.value.scalars, weight.value.scalars, into: &y, m: rows, n: o, k: c, accumulate: true)
    }
    return output(Tensor(shape: residual.shape, scalars: y), x, weight, bias ?? x, residual)
  }

  /// Inference on an image large enough that the padded grid costs little: no column matrix.
  func runsShifted(_ g: ConvGeometry, _ x: Variable, _ weight: Variable, _ bias: Variable?) -> Bool {
    g.stride == 1 && !g.isPointwise && !needsGradient(x, weight, bias ?? x)
      && ShiftedConvolution(g: g).overhead < 1.15
  }

  func conv2dShifted(
    _ x: Variable, weight: Variable, bias: Variable?, _ g: ConvGeometry, outChannels o: Int, reluInput: Bool,
    reluOutput: Bool
  ) -> Variable {
    let label =
      "conv2d \(g.kernelHeight)x\(g.kernelWidth)/\(g.stride) \(g.c)->\(o) @\(g.outHeight)x\(g.outWidth) (shifted)"
    var y = uninitializedFloats(g.rows * o)
    Profiler.measure(label, flop: 2 * Double(g.rows * g.patchSize * o)) {
      let biasScalars = bias?.value.scalars ?? []
      x.value.scalars.withUnsafeBufferPointer { xv in
        weight.value.scalars.withUnsafeBufferPointer { w in
          biasScalars.withUnsafeBufferPointer { b in
            y.withUnsafeMutableBufferPointer { y in
              ShiftedConvolution(g: g, reluInput: reluInput, reluOutput: reluOutput).forward(
                xv.baseAddress!, weight: w.baseAddress!, bias: bias == nil ? nil : b.baseAddress!, outChannels: o,
                into: y.baseAddress!)
            }
          }
        }
      }
    }
    return output(Tensor(shape: [g.n, g.outHeight, g.outWidth, o], scalars: y), x, weight, bias ?? x)
  }
}

/// The im2col matrix `[rows, patchSize]` of `x`.
func columns(of x: [Float], _ g: ConvGeometry) -> [Float] {
  [Float](unsafeUninitializedCapacity: g.rows * g.patchSize) { buffer, count in
    x.withUnsafeBufferPointer { im2col($0.baseAddress!, g, into: buffer.baseAddress!) }
    count = g.rows * g.patchSize
  }
}

/// `y = bias + col · w`: one GEMM whose sums start from the bias.
func conv2dForward(
  col: [Float], weight: [Float], bias: [Float]?, _ g: ConvGeometry, outChannels o: Int, into y: inout [Float]
) {
  y.withUnsafeMutableBufferPointer { y in
    (bias ?? []).withUnsafeBufferPointer { b in
      col.withUnsafeBufferPointer { col in
        weight.withUnsafeBufferPointer { w in
          sgemm(
            m: g.rows, n: o, k: g.patchSize, a: col.baseAddress!, lda: g.patchSize, b: w.baseAddress!, ldb: o,
            accumulate: false, bias: bias == nil ? nil : b.baseAddress!, c: y.baseAddress!, ldc: o)
        }
      }
    }
  }
}

/// `dX += col2im(dY · wᵀ)`, or onto zeros when `fresh` (`dX` then uninitialized); for a pointwise convolution the
/// GEMM adds straight into `dX`.
func conv2dBackwardData(
  dY: [Float], weight: [Float], _ g: ConvGeometry, outChannels o: Int, into dX: inout [Float], fresh: Bool
) {
  if g.isPointwise {
    gemm(dY, weight, into: &dX, m: g.rows, n: g.c, k: o, transposeB: true, accumulate: !fresh)
    return
  }
  dY.withUnsafeBufferPointer { dy in
    weight.withUnsafeBufferPointer { w in
      dX.withUnsafeMutableBufferPointer {
        addCol2imOfProduct(dy.baseAddress!, w.baseAddress!, depth: o, g, into: $0.baseAddress!, zeroFirst: fresh)
      }
    }
  }
}
