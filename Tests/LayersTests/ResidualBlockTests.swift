import Tensors
import Testing

@testable import Layers

@Test func residualBlockEqualsTheComposedOps() {
  var rng = SplitMix64(seed: 5)
  let block = ResidualBlock(channels: 4, hidden: 3, using: &rng)
  let x = Variable(Tensor.uniform(shape: [2, 5, 3, 4], in: -1...1, using: &rng), requiresGrad: false)
  let tape = Tape()  // recording (the weights take gradients): the block runs exactly these ops
  let y = block(x, on: tape)
  let (c3, c1) = (block.conv3x3, block.conv1x1)
  let hidden = tape.relu(tape.conv2d(tape.relu(x), weight: c3.weight, bias: c3.bias, stride: 1, padding: 1))
  let expected = tape.add(x, tape.conv2d(hidden, weight: c1.weight, bias: c1.bias, stride: 1, padding: 0))
  #expect(y.shape == [2, 5, 3, 4])
  #expect(y.value == expected.value)
  // Inference fuses the residual add into the 1×1 GEMM, which rounds differently: equal within float error.
  let inferred = block(x, on: Tape(isRecording: false))
  #expect(zip(inferred.value.scalars, expected.value.scalars).allSatisfy { abs($0 - $1) <= 1e-5 })
  #expect(c3.weight.shape == [3, 3, 4, 3] && c1.weight.shape == [1, 1, 3, 4])
  #expect(block.parameters.map(\.name) == ["conv3x3.weight", "conv3x3.bias", "conv1x1.weight", "conv1x1.bias"])
}

/// One channel, one pixel: only the 3×3 kernel's centre sees the image, so the block is
/// `x + w₂·ReLU(w₁·ReLU(x) + b₁) + b₂`.
@Test func residualBlockOnAHandComputedPixel() {
  var rng = SplitMix64(seed: 6)
  let block = ResidualBlock(channels: 1, hidden: 1, using: &rng)
  var w1 = [Float](repeating: 100, count: 9)  // off-centre taps only ever see padding
  w1[4] = 2
  block.conv3x3.weight.value = Tensor(shape: [3, 3, 1, 1], scalars: w1)
  block.conv3x3.bias.value = Tensor(shape: [1], scalars: [-1])
  block.conv1x1.weight.value = Tensor(shape: [1, 1, 1, 1], scalars: [3])
  block.conv1x1.bias.value = Tensor(shape: [1], scalars: [0.25])
  let tape = Tape(isRecording: false)
  for (x, expected) in [(Float(2), Float(2 + 3 * 3 + 0.25)), (-2, -2 + 0.25), (0.25, 0.25 + 0.25)] {
    let y = block(Variable(Tensor(shape: [1, 1, 1, 1], scalars: [x]), requiresGrad: false), on: tape)
    #expect(y.value.scalars == [expected], "x = \(x)")
  }
}
