import Tensors
import TestSupport
import Testing

@Suite struct Conv2dTests {
  // MARK: (a) by hand

  @Test func weightLayoutIsInputChannelsThenOutputChannels() {
    // One pixel, C = 2, O = 3: y[o] = Σ_c x[c]·w[c, o] + b[o].
    let x = Variable(Tensor(shape: [1, 1, 1, 2], scalars: [1, 2]))
    let w = Variable(Tensor(shape: [1, 1, 2, 3], scalars: [1, 2, 3, 4, 5, 6]))
    let b = Variable(Tensor(shape: [3], scalars: [1, 0, -1]))
    let y = Tape().conv2d(x, weight: w, bias: b)
    #expect(y.shape == [1, 1, 1, 3])
    #expect(y.scalars == [10, 12, 14])
  }

  @Test func twoByTwoKernelTakesADiagonalDifference() {
    // x = 1…9 on a 3×3 grid, w = [[1, 0], [0, −1]]: y = x[i, j] − x[i+1, j+1] = −4 everywhere, plus bias 0.5.
    let x = Variable(Tensor(shape: [1, 3, 3, 1], scalars: (1...9).map(Float.init)))
    let w = Variable(Tensor(shape: [2, 2, 1, 1], scalars: [1, 0, 0, -1]))
    let y = Tape().conv2d(x, weight: w, bias: Variable(Tensor(shape: [1], scalars: [0.5])))
    #expect(y.shape == [1, 2, 2, 1])
    #expect(y.scalars == [-3.5, -3.5, -3.5, -3.5])
  }

  @Test func paddingAddsZerosAndStrideSkips() {
    // A 3×3 box filter with padding 1 over a 2×2 image sees the whole image from every output pixel.
    let x = Variable(Tensor(shape: [1, 2, 2, 1], scalars: [1, 2, 3, 4]))
    let box = Variable(Tensor(repeating: 1, shape: [3, 3, 1, 1]))
    #expect(Tape().conv2d(x, weight: box, bias: nil, padding: 1).scalars == [10, 10, 10, 10])
    // A 1×1 kernel with stride 2 picks the corners of a 3×3 image.
    let x3 = Variable(Tensor(shape: [1, 3, 3, 1], scalars: (1...9).map(Float.init)))
    let two = Variable(Tensor(shape: [1, 1, 1, 1], scalars: [2]))
    let y = Tape().conv2d(x3, weight: two, bias: nil, stride: 2)
    #expect(y.shape == [1, 2, 2, 1])
    #expect(y.scalars == [2, 6, 14, 18])
  }

  @Test func gradientsByHand() {
    // y = conv(x, 2×2 ones) over a 2×3 image has two outputs; with loss = y0 + 2·y1,
    // dx = [1, 3, 2, 1, 3, 2], dw = [x00 + 2x01, x01 + 2x02, x10 + 2x11, x11 + 2x12], db = 3.
    let tape = Tape()
    let x = Variable(Tensor(shape: [1, 2, 3, 1], scalars: [1, 2, 3, 4, 5, 6]))
    let w = Variable(Tensor(repeating: 1, shape: [2, 2, 1, 1]))
    let b = Variable(Tensor(shape: [1], scalars: [0]))
    let y = tape.conv2d(x, weight: w, bias: b)
    #expect(y.scalars == [12, 16])
    let r = Variable(Tensor(shape: [1, 1, 2, 1], scalars: [1, 2]), requiresGrad: false)
    tape.backward(from: tape.sum(tape.multiply(y, r)))
    #expect(x.grad == [1, 3, 2, 1, 3, 2])
    #expect(w.grad == [5, 8, 14, 17])
    #expect(b.grad == [3])
  }

  // MARK: (b) finite differences

  @Test(arguments: ConvCase.forGradients)
  func gradientsMatchFiniteDifferences(_ k: ConvCase) {
    let x = randomTensor(k.input, seed: 1)
    let w = randomTensor(k.convWeight, seed: 2)
    let b = randomTensor([k.o], seed: 3)
    expectGradientsMatchFiniteDifferences(
      of: { tape, v in tape.conv2d(v[0], weight: v[1], bias: v[2], stride: k.stride, padding: k.padding) },
      at: [x, w, b])
  }

  @Test func gradientsWithoutBiasMatchFiniteDifferences() {
    let x = randomTensor([2, 5, 4, 3], seed: 4)
    let w = randomTensor([3, 3, 3, 2], seed: 5)
    expectGradientsMatchFiniteDifferences(
      of: { tape, v in tape.conv2d(v[0], weight: v[1], bias: nil, stride: 2, padding: 1) }, at: [x, w])
  }

  // MARK: (c) fast path equals the naive loop

  @Test(arguments: ConvCase.awkward)
  func forwardEqualsNaiveLoop(_ k: ConvCase) {
    let x = randomTensor(k.input, seed: 11)
    let w = randomTensor(k.convWeight, seed: 12)
    let b = randomTensor([k.o], seed: 13)
    for bias in [b, nil] as [Tensor?] {
      let fast = Tape().conv2d(
        Variable(x), weight: Variable(w), bias: bias.map { Variable($0) }, stride: k.stride, padding: k.padding)
      let naive = naiveConv2d(x, weight: w, bias: bias, stride: k.stride, padding: k.padding)
      #expect(fast.shape == naive.shape)
      expectClose(fast.scalars, naive.scalars, "\(k) bias: \(bias != nil)")
    }
  }

  @Test(arguments: ConvCase.awkward)
  func gradientsEqualNaiveAdjoint(_ k: ConvCase) {
    // Backward against naive loops written from the forward formula: dB = Σ r, dX = Σ r·w, dW = Σ x·r.
    let x = randomTensor(k.input, seed: 21)
    let w = randomTensor(k.convWeight, seed: 22)
    let b = randomTensor([k.o], seed: 23)
    let tape = Tape()
    let (vx, vw, vb) = (Variable(x), Variable(w), Variable(b))
    let y = tape.conv2d(vx, weight: vw, bias: vb, stride: k.stride, padding: k.padding)
    let r = randomTensor(y.shape, seed: 24)
    tape.backward(from: tape.sum(tape.multiply(y, Variable(r, requiresGrad: false))))
    // Bias: the sum of r over every pixel.
    var db = [Float](repeating: 0, count: k.o)
    for (i, v) in r.scalars.enumerated() { db[i % k.o] += v }
    expectClose(vb.grad, db, "bias grad \(k)")
    // Input: r scattered back through the kernel onto the pixels each tap read (rows/columns that no output
    // reads, when the stride does not divide evenly, get zero).
    let dx = naiveInputGradient(r, weight: w, inputShape: k.input, stride: k.stride, padding: k.padding)
    expectClose(vx.grad, dx, "input grad \(k)")
    // Weight: dw[ky,kx,c,o] = Σ x[n, oy·s−p+ky, ox·s−p+kx, c] · r[n,oy,ox,o].
    let dw = naiveWeightGradient(x, r, weightShape: k.convWeight, stride: k.stride, padding: k.padding)
    expectClose(vw.grad, dw, "weight grad \(k)")
  }

  // MARK: (d) accumulation

  @Test func gradientsAccumulateWhenUsedTwice() {
    let x = randomTensor([2, 5, 4, 3], seed: 31)
    let w = randomTensor([3, 3, 3, 2], seed: 32)
    let b = randomTensor([2], seed: 33)
    expectGradientsAccumulate(
      of: { tape, v in tape.conv2d(v[0], weight: v[1], bias: v[2], stride: 2, padding: 1) },
      at: [x, w, b])
    // The pointwise path adds straight into dX with a GEMM: it must accumulate too.
    let x1 = randomTensor([1, 3, 5, 3], seed: 34)
    let w1 = randomTensor([1, 1, 3, 2], seed: 35)
    expectGradientsAccumulate(of: { tape, v in tape.conv2d(v[0], weight: v[1], bias: v[2]) }, at: [x1, w1, b])
  }

  @Test func reluOfConvUsedTwiceDoublesTheInputGradient() {
    let x = randomAwayFromZero([1, 4, 5, 2], seed: 36)
    let w = randomTensor([3, 3, 2, 3], seed: 37)
    expectGradientsAccumulate(
      of: { tape, v in tape.relu(tape.conv2d(v[0], weight: v[1], bias: nil, padding: 1)) }, at: [x, w])
  }
}

/// `dx[n,iy,ix,c] = Σ r[n,oy,ox,o] · w[ky,kx,c,o]` over the taps that read `(iy, ix)`.
func naiveInputGradient(_ r: Tensor, weight w: Tensor, inputShape: [Int], stride s: Int, padding p: Int) -> [Float] {
  let (n, h, wd, c) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
  let (kh, kw, o) = (w.shape[0], w.shape[1], w.shape[3])
  let (oh, ow) = (r.shape[1], r.shape[2])
  var dx = [Double](repeating: 0, count: n * h * wd * c)
  for b in 0..<n {
    for oy in 0..<oh {
      for ox in 0..<ow {
        for ky in 0..<kh {
          for kx in 0..<kw {
            let iy = oy * s - p + ky
            let ix = ox * s - p + kx
            guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
            for ic in 0..<c {
              for oc in 0..<o {
                dx[((b * h + iy) * wd + ix) * c + ic] +=
                  Double(r.scalars[((b * oh + oy) * ow + ox) * o + oc])
                  * Double(w.scalars[((ky * kw + kx) * c + ic) * o + oc])
              }
            }
          }
        }
      }
    }
  }
  return dx.map { Float($0) }
}

/// `dw[ky,kx,c,o] = Σ x[n, oy·s−p+ky, ox·s−p+kx, c] · r[n,oy,ox,o]`.
func naiveWeightGradient(_ x: Tensor, _ r: Tensor, weightShape: [Int], stride s: Int, padding p: Int) -> [Float] {
  let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
  let (kh, kw, o) = (weightShape[0], weightShape[1], weightShape[3])
  let (oh, ow) = (r.shape[1], r.shape[2])
  var dw = [Double](repeating: 0, count: kh * kw * c * o)
  for b in 0..<n {
    for oy in 0..<oh {
      for ox in 0..<ow {
        for ky in 0..<kh {
          for kx in 0..<kw {
            let iy = oy * s - p + ky
            let ix = ox * s - p + kx
            guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
            for ic in 0..<c {
              for oc in 0..<o {
                dw[((ky * kw + kx) * c + ic) * o + oc] +=
                  Double(x.scalars[((b * h + iy) * wd + ix) * c + ic])
                  * Double(r.scalars[((b * oh + oy) * ow + ox) * o + oc])
              }
            }
          }
        }
      }
    }
  }
  return dw.map { Float($0) }
}
