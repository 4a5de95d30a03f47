import Tensors
import TestSupport
import Testing

@testable import Layers

/// Two channels at one pixel, by hand: y_i = x_i / √(β_i + Σ_j γ_ij x_j²) with β = beta² + 1e-6, γ = gamma².
@Test(arguments: [false, true]) func gdnOnAHandComputedPixel(inverse: Bool) {
  let gdn = GeneralizedDivisiveNormalization(channels: 2, inverse: inverse)
  gdn.beta.value = Tensor(shape: [2], scalars: [1, 2])
  // gamma[0, 0, j, i]: input channel j, output channel i
  gdn.gamma.value = Tensor(shape: [1, 1, 2, 2], scalars: [0.5, 1, 0, 2])
  let x: [Float] = [3, -1]
  let y = gdn(Variable(Tensor(shape: [1, 1, 1, 2], scalars: x), requiresGrad: false), on: Tape(isRecording: false))
  let energy: [Float] = [1 + 1e-6 + 0.25 * 9 + 0 * 1, 4 + 1e-6 + 1 * 9 + 4 * 1]
  let expected = (0..<2).map { inverse ? x[$0] * energy[$0].squareRoot() : x[$0] / energy[$0].squareRoot() }
  #expect(maxAbsoluteDifference(y.value.scalars, expected) <= 1e-5)
}

@Test func gdnStartsAsThePaperDoes() {
  let gdn = GeneralizedDivisiveNormalization(channels: 3, inverse: false)
  #expect(gdn.beta.value.scalars == [1, 1, 1])
  let gamma = gdn.gamma.value.scalars.map { $0 * $0 }
  for j in 0..<3 {
    for i in 0..<3 { #expect(abs(gamma[j * 3 + i] - (i == j ? 0.1 : 0)) <= 1e-7) }
  }
  #expect(gdn.parameters.map(\.name) == ["beta", "gamma"])
}

/// Finite differences through x, beta and gamma, for GDN and IGDN: twelve pixels of three channels, with weights
/// of both signs (the layer squares them) so that every channel's energy mixes all three.
@Test(arguments: [false, true]) func gdnGradientsMatchFiniteDifferences(inverse: Bool) {
  var rng = SplitMix64(seed: 41)
  let c = 3
  let x = Tensor.uniform(shape: [2, 3, 2, c], in: -1.5...1.5, using: &rng)
  let beta = Tensor.uniform(shape: [c], in: 0.5...1.5, using: &rng)
  let gamma = Tensor.uniform(shape: [1, 1, c, c], in: -0.8...0.8, using: &rng)
  let mismatch = gradientCheck(
    of: { tape, v in
      GeneralizedDivisiveNormalization.normalize(v[0], beta: v[1], gamma: v[2], inverse: inverse, on: tape)
    },
    at: [x, beta, gamma], h: 1e-2, tolerance: 2e-2)
  #expect(mismatch == nil, "\(mismatch.map(String.init(describing:)) ?? "")")
}
