import Tensors
import Testing

@testable import Layers

/// PyTorch's default: weight and bias uniform in ±1/√(inChannels·k²).
@Test(arguments: [(3, 5, 4, 2, 1), (16, 8, 3, 1, 1), (8, 16, 1, 1, 0)])
func conv2dInitialisationAndShapes(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int) {
  var rng = SplitMix64(seed: 7)
  let conv = Conv2d(
    inChannels: inChannels, outChannels: outChannels, kernelSize: kernel, stride: stride, padding: padding, using: &rng)
  let bound = 1 / Float(inChannels * kernel * kernel).squareRoot()
  #expect(conv.weight.shape == [kernel, kernel, inChannels, outChannels])
  #expect(conv.bias.shape == [outChannels])
  #expect(conv.parameters.map(\.name) == ["weight", "bias"])
  for p in conv.parameters {
    #expect(p.value.scalars.allSatisfy { abs($0) <= bound }, "\(p.name) outside ±\(bound)")
  }
  // Uniform over the whole interval, not a narrower one: the extremes come close to the bound.
  #expect(conv.weight.value.scalars.map { abs($0) }.max()! > 0.9 * bound)
  #expect(abs(conv.weight.value.scalars.reduce(0, +) / Float(conv.weight.value.count)) < 0.25 * bound)

  let x = Variable(Tensor(repeating: 0.1, shape: [2, 8, 6, inChannels]), requiresGrad: false)
  let y = conv(x, on: Tape(isRecording: false))
  let outH = (8 + 2 * padding - kernel) / stride + 1
  let outW = (6 + 2 * padding - kernel) / stride + 1
  #expect(y.shape == [2, outH, outW, outChannels])
}

@Test func conv2dInitialisationIsSeeded() {
  var a = SplitMix64(seed: 3)
  var b = SplitMix64(seed: 3)
  var c = SplitMix64(seed: 4)
  let (x, y, z) = (
    Conv2d(inChannels: 2, outChannels: 2, kernelSize: 3, using: &a),
    Conv2d(inChannels: 2, outChannels: 2, kernelSize: 3, using: &b),
    Conv2d(inChannels: 2, outChannels: 2, kernelSize: 3, using: &c)
  )
  #expect(x.weight.value == y.weight.value && x.bias.value == y.bias.value)
  #expect(x.weight.value != z.weight.value)
}

/// A 1×1 convolution on one pixel is `w·x + b`: the layer passes its weight, bias, stride and padding through.
@Test func conv2dForwardOnAHandComputedPixel() {
  var rng = SplitMix64(seed: 1)
  let conv = Conv2d(inChannels: 2, outChannels: 1, kernelSize: 1, using: &rng)
  conv.weight.value = Tensor(shape: [1, 1, 2, 1], scalars: [2, -3])
  conv.bias.value = Tensor(shape: [1], scalars: [0.5])
  let y = conv(
    Variable(Tensor(shape: [1, 1, 1, 2], scalars: [1, 4]), requiresGrad: false), on: Tape(isRecording: false))
  let expected: Float = 2 * 1 - 3 * 4 + 0.5
  #expect(y.value.scalars == [expected])
}
