import Tensors
import TestSupport
import Testing

@Suite struct ConvTranspose2dTests {
  // MARK: (a) by hand

  @Test func weightLayoutIsOutputChannelsThenInputChannels() {
    // One pixel, C = 2 in, O = 3 out, weight [1, 1, O, C]: y[o] = Σ_c x[c]·w[o, c] + b[o].
    let x = Variable(Tensor(shape: [1, 1, 1, 2], scalars: [1, 2]))
    let w = Variable(Tensor(shape: [1, 1, 3, 2], scalars: [1, 4, 2, 5, 3, 6]))
    let b = Variable(Tensor(shape: [3], scalars: [1, 0, -1]))
    let y = Tape().convTranspose2d(x, weight: w, bias: b)
    #expect(y.shape == [1, 1, 1, 3])
    #expect(y.scalars == [10, 12, 14])
  }

  @Test func strideTwoSpreadsEachPixelOverABlock() {
    // A 2×2 kernel of ones with stride 2 copies each input pixel into its own 2×2 block: (2−1)·2 + 2 = 4.
    let x = Variable(Tensor(shape: [1, 2, 2, 1], scalars: [1, 2, 3, 4]))
    let ones = Variable(Tensor(repeating: 1, shape: [2, 2, 1, 1]))
    let y = Tape().convTranspose2d(x, weight: ones, bias: nil, stride: 2)
    #expect(y.shape == [1, 4, 4, 1])
    #expect(y.scalars == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
  }

  @Test func strideOneOverlapsAndPaddingCrops() {
    // Stride 1: the 2×2 blocks overlap into a 3×3 output; padding 1 then crops one pixel from each side, leaving
    // the centre, 1 + 2 + 3 + 4 = 10 (output size (2−1)·1 − 2 + 2 = 1).
    let x = Variable(Tensor(shape: [1, 2, 2, 1], scalars: [1, 2, 3, 4]))
    let ones = Variable(Tensor(repeating: 1, shape: [2, 2, 1, 1]))
    #expect(Tape().convTranspose2d(x, weight: ones, bias: nil).scalars == [1, 3, 2, 4, 10, 6, 3, 7, 4])
    let cropped = Tape().convTranspose2d(x, weight: ones, bias: nil, padding: 1)
    #expect(cropped.shape == [1, 1, 1, 1])
    #expect(cropped.scalars == [10])
  }

  @Test func gradientsByHand() {
    // y = convT(x, 2×2 ones, stride 2) on one pixel is a 2×2 block of x; loss = Σ y ⊙ [1, 2, 3, 4]:
    // dx = 10, dw = x·[1, 2, 3, 4], db = 10.
    let tape = Tape()
    let x = Variable(Tensor(shape: [1, 1, 1, 1], scalars: [3]))
    let w = Variable(Tensor(repeating: 1, shape: [2, 2, 1, 1]))
    let b = Variable(Tensor(shape: [1], scalars: [0.5]))
    let y = tape.convTranspose2d(x, weight: w, bias: b, stride: 2)
    #expect(y.scalars == [3.5, 3.5, 3.5, 3.5])
    let r = Variable(Tensor(shape: [1, 2, 2, 1], scalars: [1, 2, 3, 4]), requiresGrad: false)
    tape.backward(from: tape.sum(tape.multiply(y, r)))
    #expect(x.grad == [10])
    #expect(w.grad == [3, 6, 9, 12])
    #expect(b.grad == [10])
  }

  // MARK: (b) finite differences

  static let gradientCases: [ConvCase] = [
    ConvCase(n: 2, h: 3, w: 3, c: 3, kh: 3, kw: 3, o: 2, stride: 2, padding: 1),
    ConvCase(n: 1, h: 3, w: 4, c: 2, kh: 4, kw: 4, o: 3, stride: 2, padding: 1),
    ConvCase(n: 2, h: 3, w: 4, c: 3, kh: 1, kw: 1, o: 2),
    ConvCase(n: 1, h: 3, w: 3, c: 2, kh: 2, kw: 3, o: 3),
    ConvCase(n: 1, h: 2, w: 3, c: 3, kh: 3, kw: 3, o: 2, stride: 3, padding: 2),
    ConvCase(n: 1, h: 3, w: 3, c: 2, kh: 1, kw: 1, o: 3, stride: 2),
  ]

  @Test(arguments: gradientCases)
  func gradientsMatchFiniteDifferences(_ k: ConvCase) {
    let x = randomTensor(k.input, seed: 1)
    let w = randomTensor(k.transposedWeight, seed: 2)
    let b = randomTensor([k.o], seed: 3)
    expectGradientsMatchFiniteDifferences(
      of: { tape, v in tape.convTranspose2d(v[0], weight: v[1], bias: v[2], stride: k.stride, padding: k.padding) },
      at: [x, w, b])
  }

  @Test func gradientsWithoutBiasMatchFiniteDifferences() {
    let x = randomTensor([2, 3, 2, 3], seed: 4)
    let w = randomTensor([4, 4, 2, 3], seed: 5)
    expectGradientsMatchFiniteDifferences(
      of: { tape, v in tape.convTranspose2d(v[0], weight: v[1], bias: nil, stride: 2, padding: 1) }, at: [x, w])
  }

  // MARK: (c) fast path equals the naive loop (PyTorch's definition)

  static let awkward: [ConvCase] = [
    ConvCase(n: 3, h: 5, w: 7, c: 3, kh: 1, kw: 1, o: 5),
    ConvCase(n: 2, h: 3, w: 4, c: 3, kh: 1, kw: 1, o: 2, stride: 2),
    ConvCase(n: 1, h: 3, w: 4, c: 5, kh: 1, kw: 1, o: 3, padding: 1),
    ConvCase(n: 3, h: 5, w: 7, c: 3, kh: 3, kw: 3, o: 4, padding: 1),
    ConvCase(n: 2, h: 3, w: 4, c: 5, kh: 4, kw: 4, o: 3, stride: 2, padding: 1),
    ConvCase(n: 1, h: 4, w: 5, c: 3, kh: 2, kw: 3, o: 5),
    ConvCase(n: 3, h: 4, w: 3, c: 2, kh: 3, kw: 2, o: 3, stride: 2, padding: 1),
    ConvCase(n: 1, h: 3, w: 2, c: 2, kh: 3, kw: 3, o: 4, stride: 3, padding: 2),
    ConvCase(n: 2, h: 2, w: 3, c: 3, kh: 3, kw: 3, o: 1, stride: 3),
    ConvCase(n: 1, h: 5, w: 4, c: 3, kh: 5, kw: 5, o: 2, padding: 2),
    ConvCase(n: 1, h: 4, w: 4, c: 3, kh: 3, kw: 3, o: 2, stride: 2, padding: 2),
    ConvCase(n: 1, h: 3, w: 3, c: 4, kh: 2, kw: 2, o: 3, stride: 2),
  ]

  @Test(arguments: awkward)
  func forwardEqualsNaiveLoop(_ k: ConvCase) {
    let x = randomTensor(k.input, seed: 11)
    let w = randomTensor(k.transposedWeight, seed: 12)
    let b = randomTensor([k.o], seed: 13)
    for bias in [b, nil] as [Tensor?] {
      let fast = Tape().convTranspose2d(
        Variable(x), weight: Variable(w), bias: bias.map { Variable($0) }, stride: k.stride, padding: k.padding)
      let naive = naiveConvTranspose2d(x, weight: w, bias: bias, stride: k.stride, padding: k.padding)
      #expect(fast.shape == naive.shape)
      #expect(
        fast.shape == [
          k.n, (k.h - 1) * k.stride - 2 * k.padding + k.kh, (k.w - 1) * k.stride - 2 * k.padding + k.kw, k.o,
        ])
      expectClose(fast.scalars, naive.scalars, "\(k) bias: \(bias != nil)")
    }
  }

  @Test(arguments: awkward)
  func gradientsEqualNaiveLoops(_ k: ConvCase) {
    // The adjoint of convT(·, w) is conv2d(·, w) with the same array ([KH,KW,O,C] read as a conv weight from O to
    // C channels), so dX = naiveConv2d(r, w); dW[ky,kx,o,c] = Σ r[n, iy·s−p+ky, ix·s−p+kx, o] · x[n,iy,ix,c].
    let x = randomTensor(k.input, seed: 21)
    let w = randomTensor(k.transposedWeight, seed: 22)
    let b = randomTensor([k.o], seed: 23)
    let tape = Tape()
    let (vx, vw, vb) = (Variable(x), Variable(w), Variable(b))
    let y = tape.convTranspose2d(vx, weight: vw, bias: vb, stride: k.stride, padding: k.padding)
    let r = randomTensor(y.shape, seed: 24)
    tape.backward(from: tape.sum(tape.multiply(y, Variable(r, requiresGrad: false))))
    var db = [Float](repeating: 0, count: k.o)
    for (i, v) in r.scalars.enumerated() { db[i % k.o] += v }
    expectClose(vb.grad, db, "bias grad \(k)")
    expectClose(
      vx.grad, naiveConv2d(r, weight: w, bias: nil, stride: k.stride, padding: k.padding).scalars, "input grad \(k)")
    expectClose(
      vw.grad, naiveWeightGradient(r, x, weightShape: k.transposedWeight, stride: k.stride, padding: k.padding),
      "weight grad \(k)")
  }

  // MARK: adjoint of conv2d

  /// Geometries where conv2d's output maps back to exactly the input size ((H + 2p − K) divisible by s).
  static let adjointCases: [ConvCase] = [
    ConvCase(n: 2, h: 5, w: 7, c: 3, kh: 3, kw: 3, o: 4, padding: 1),
    ConvCase(n: 2, h: 7, w: 5, c: 3, kh: 3, kw: 3, o: 2, stride: 2, padding: 1),
    ConvCase(n: 1, h: 6, w: 6, c: 5, kh: 4, kw: 4, o: 3, stride: 2, padding: 1),
    ConvCase(n: 3, h: 5, w: 7, c: 2, kh: 1, kw: 1, o: 3),
    ConvCase(n: 1, h: 4, w: 5, c: 3, kh: 2, kw: 3, o: 5),
    ConvCase(n: 1, h: 7, w: 4, c: 2, kh: 3, kw: 3, o: 3, stride: 3, padding: 1),
    ConvCase(n: 2, h: 5, w: 5, c: 3, kh: 3, kw: 3, o: 1, stride: 2, padding: 2),
    ConvCase(n: 1, h: 5, w: 7, c: 3, kh: 1, kw: 1, o: 2, stride: 2),
  ]

  @Test(arguments: adjointCases)
  func isTheAdjointOfConv2d(_ k: ConvCase) {
    // ⟨conv2d(x, w), y⟩ = ⟨x, convTranspose2d(y, w)⟩: conv2d's [KH,KW,C,O] is convT's [KH,KW,O',C'] from O to C.
    let x = randomTensor(k.input, seed: 41)
    let w = randomTensor(k.convWeight, seed: 42)
    let cx = Tape().conv2d(Variable(x), weight: Variable(w), bias: nil, stride: k.stride, padding: k.padding)
    let y = randomTensor(cx.shape, seed: 43)
    let ty = Tape().convTranspose2d(Variable(y), weight: Variable(w), bias: nil, stride: k.stride, padding: k.padding)
    #expect(ty.shape == x.shape)
    guard ty.shape == x.shape else { return }
    let lhs = dot(cx.scalars, y.scalars)
    let rhs = dot(x.scalars, ty.scalars)
    #expect(abs(lhs - rhs) <= 1e-4 * max(1, abs(lhs)), "⟨conv x, y⟩ = \(lhs), ⟨x, convT y⟩ = \(rhs)")
  }

  // MARK: (d) accumulation

  @Test func gradientsAccumulateWhenUsedTwice() {
    let x = randomTensor([2, 3, 3, 3], seed: 31)
    let w = randomTensor([4, 4, 2, 3], seed: 32)
    let b = randomTensor([2], seed: 33)
    expectGradientsAccumulate(
      of: { tape, v in tape.convTranspose2d(v[0], weight: v[1], bias: v[2], stride: 2, padding: 1) }, at: [x, w, b])
    let x1 = randomTensor([1, 3, 5, 3], seed: 34)
    let w1 = randomTensor([1, 1, 2, 3], seed: 35)
    expectGradientsAccumulate(of: { tape, v in tape.convTranspose2d(v[0], weight: v[1], bias: v[2]) }, at: [x1, w1, b])
  }
}
