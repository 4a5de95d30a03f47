import Layers

/// One convolution of the network, as the plan lays it out: what the layer is built from, and what the parameter
/// count, the FLOP count and the tensor names are computed from, so none of them can disagree with the layers.
public struct PlannedConvolution: Equatable, Sendable {
  public enum Kind: Sendable { case convolution, transposed }

  /// The layer's path in the model, e.g. `encoder.down0`; its tensors are `name.weight` and `name.bias`.
  public let name: String
  public let kind: Kind
  public let kernel: Int, stride: Int, padding: Int
  public let input: Int, output: Int
  /// The grid the layer reads, as a divisor of the image's height and width (1: full resolution).
  public let inputScale: Int

  /// `[k, k, in, out]` for a convolution, `[k, k, out, in]` for a transposed one (the engine's layouts).
  public var weightShape: [Int] {
    kind == .convolution ? [kernel, kernel, input, output] : [kernel, kernel, output, input]
  }

  /// Multiply-adds on an image of `height × width`, counted as torch_ref.py counts them: a convolution costs
  /// outputs × inChannels × k², a transposed convolution inputs × outChannels × k².
  public func multiplyAdds(height: Int, width: Int) -> Int {
    let inputPixels = (height / inputScale) * (width / inputScale)
    let taps = kernel * kernel * input * output
    return kind == .convolution ? inputPixels / (stride * stride) * taps : inputPixels * taps
  }
}

/// A residual block (`ResidualBlock`) and its two convolutions, `name.conv3x3` and `name.conv1x1`.
public struct PlannedResidualBlock: Equatable, Sendable {
  public let name: String
  public let conv3x3: PlannedConvolution, conv1x1: PlannedConvolution
}

/// A GDN or IGDN (`GeneralizedDivisiveNormalization`) after a stride-2 layer, in place of its ReLU; its tensors are
/// `name.beta` `[C]` and `name.gamma` `[1, 1, C, C]`.
public struct PlannedNormalization: Equatable, Sendable {
  public let name: String
  public let channels: Int
  public let inverse: Bool
  /// The grid it runs on, as a divisor of the image's height and width.
  public let scale: Int

  /// Its 1×1 convolution over the squared channels.
  public func multiplyAdds(height: Int, width: Int) -> Int { (height / scale) * (width / scale) * channels * channels }
}

/// The network of a configuration, layer by layer: the encoder's stride-2 convolutions, trunk, residual blocks and
/// projection; the decoder's trunk, residual blocks and stride-2 transposed convolutions; the codebooks.
public struct NetworkPlan: Sendable {
  public let downsampling: [PlannedConvolution]
  public let encoderTrunk: PlannedConvolution
  public let encoderBlocks: [PlannedResidualBlock]
  public let projection: PlannedConvolution
  public let decoderTrunk: PlannedConvolution
  public let decoderBlocks: [PlannedResidualBlock]
  public let upsampling: [PlannedConvolution]
  /// With `Activation.gdn`: a GDN after each of the encoder's stride-2 layers and an IGDN after each of the
  /// decoder's but the last; empty with ReLU.
  public let encoderNormalizations: [PlannedNormalization]
  public let decoderNormalizations: [PlannedNormalization]

  public var encoder: [PlannedConvolution] {
    downsampling + [encoderTrunk] + encoderBlocks.flatMap { [$0.conv3x3, $0.conv1x1] } + [projection]
  }
  public var decoder: [PlannedConvolution] {
    [decoderTrunk] + decoderBlocks.flatMap { [$0.conv3x3, $0.conv1x1] } + upsampling
  }

  init(_ c: ModelConfiguration) {
    let f = c.downsampling
    downsampling = c.downsamplingChannels.enumerated().map { layer, channels in
      PlannedConvolution(
        name: "encoder.down\(layer)", kind: .convolution, kernel: 4, stride: 2, padding: 1,
        input: channels.input, output: channels.output, inputScale: 1 << layer)
    }
    let trunkInput = c.downsamplingChannels.last?.output ?? 3
    encoderTrunk = .stride1("encoder.trunk", kernel: 3, trunkInput, c.width, scale: f)
    encoderBlocks = Self.blocks("encoder", c)
    projection = .stride1("encoder.projection", kernel: 1, c.width, c.latentDimension, scale: f)
    decoderTrunk = .stride1("decoder.trunk", kernel: 3, c.latentDimension, c.width, scale: f)
    decoderBlocks = Self.blocks("decoder", c)
    upsampling = c.upsamplingChannels.enumerated().map { layer, channels in
      PlannedConvolution(
        name: "decoder.up\(layer)", kind: .transposed, kernel: 4, stride: 2, padding: 1,
        input: channels.input, output: channels.output, inputScale: f >> layer)
    }
    let gdn = c.activation == .gdn
    encoderNormalizations = (gdn ? downsampling : []).enumerated().map { layer, conv in
      PlannedNormalization(name: "encoder.gdn\(layer)", channels: conv.output, inverse: false, scale: 2 << layer)
    }
    decoderNormalizations = (gdn ? Array(upsampling.dropLast()) : []).enumerated().map { layer, conv in
      PlannedNormalization(name: "decoder.igdn\(layer)", channels: conv.output, inverse: true, scale: f >> (layer + 1))
    }
  }

  private static func blocks(_ part: String, _ c: ModelConfiguration) -> [PlannedResidualBlock] {
    (0..<c.residualBlocks).map { i in
      let name = "\(part).block\(i)"
      return PlannedResidualBlock(
        name: name, conv3x3: .stride1(name + ".conv3x3", kernel: 3, c.width, c.residualHidden, scale: c.downsampling),
        conv1x1: .stride1(name + ".conv1x1", kernel: 1, c.residualHidden, c.width, scale: c.downsampling))
    }
  }
}

extension PlannedConvolution {
  /// A stride-1 convolution that keeps the grid's size.
  fileprivate static func stride1(_ name: String, kernel: Int, _ input: Int, _ output: Int, scale: Int) -> Self {
    PlannedConvolution(
      name: name, kind: .convolution, kernel: kernel, stride: 1, padding: kernel / 2, input: input, output: output,
      inputScale: scale)
  }
}

extension ModelConfiguration {
  /// The one description of the network that the layers, the counts and the tensor names come from.
  public var plan: NetworkPlan { NetworkPlan(self) }

  /// Every tensor a model file of this architecture stores, in file order, with its shape (`VQModel.storedTensors`):
  /// the encoder's weights and biases, the quantizer's codebooks (and logit projection), the decoder's.
  public func storedTensorShapes(estimator: Estimator) -> [(name: String, shape: [Int])] {
    func tensors(_ layers: [PlannedConvolution]) -> [(name: String, shape: [Int])] {
      layers.flatMap { [($0.name + ".weight", $0.weightShape), ($0.name + ".bias", [$0.output])] }
    }
    let (k, d) = (codebookSize, latentDimension)
    let quantizer: [(name: String, shape: [Int])] =
      estimator == .straightThrough
      ? (0..<stages).map { ("quantizer.stage\($0).codebook", [k, d]) }
      : [
        ("quantizer.projection.projection.weight", [1, 1, d, k]), ("quantizer.projection.projection.bias", [k]),
        ("quantizer.codebook", [k, d]),
      ]
    func tensors(_ normalizations: [PlannedNormalization]) -> [(name: String, shape: [Int])] {
      normalizations.flatMap {
        [($0.name + ".beta", [$0.channels]), ($0.name + ".gamma", [1, 1, $0.channels, $0.channels])]
      }
    }
    return tensors(plan.encoder) + tensors(plan.encoderNormalizations) + quantizer + tensors(plan.decoder)
      + tensors(plan.decoderNormalizations)
  }

  /// Floats a model file of this architecture stores. Computed from the sizes alone, so `ModelFile.parse` can
  /// refuse a small file that claims a huge architecture before it allocates one (a `.vqm` of a few kilobytes could
  /// otherwise ask for gigabytes).
  public func storedScalarCount(estimator: Estimator) -> Int {
    storedTensorShapes(estimator: estimator).reduce(0) { $0 + $1.shape.reduce(1, *) }
  }

  public func forwardWork(height: Int, width: Int, batch: Int = 1) -> ForwardWork {
    let latents = (height / downsampling) * (width / downsampling)
    let encoder =
      plan.encoder.reduce(0) { $0 + $1.multiplyAdds(height: height, width: width) }
      + plan.encoderNormalizations.reduce(0) { $0 + $1.multiplyAdds(height: height, width: width) }
    let decoder =
      plan.decoder.reduce(0) { $0 + $1.multiplyAdds(height: height, width: width) }
      + plan.decoderNormalizations.reduce(0) { $0 + $1.multiplyAdds(height: height, width: width) }
    let quantizer = latents * codebookSize * latentDimension * stages
    return ForwardWork(encoder: batch * encoder, quantizer: batch * quantizer, decoder: batch * decoder)
  }
}

/// Multiply-adds of one forward pass, per part (`ModelConfiguration.forwardWork`).
public struct ForwardWork: Sendable {
  public let encoder: Int, quantizer: Int, decoder: Int
  public var total: Int { encoder + quantizer + decoder }
  /// GFLOP (2 per multiply-add) of a training step: forward plus a backward of about twice the forward.
  public var trainingStepGFLOP: Double { 3 * 2 * Double(total) / 1e9 }
  public var encodeGFLOP: Double { 2 * Double(encoder + quantizer) / 1e9 }
  public var decodeGFLOP: Double { 2 * Double(decoder) / 1e9 }
}

extension Conv2d {
  /// The planned convolution, its tensors named by the plan.
  public convenience init(_ p: PlannedConvolution, using rng: inout some RandomNumberGenerator) {
    precondition(p.kind == .convolution, "\(p.name) is a transposed convolution")
    self.init(
      inChannels: p.input, outChannels: p.output, kernelSize: p.kernel, stride: p.stride, padding: p.padding,
      using: &rng)
    nameParameters(p.name)
  }
}

extension ConvTranspose2d {
  public convenience init(_ p: PlannedConvolution, using rng: inout some RandomNumberGenerator) {
    precondition(p.kind == .transposed, "\(p.name) is not a transposed convolution")
    self.init(
      inChannels: p.input, outChannels: p.output, kernelSize: p.kernel, stride: p.stride, padding: p.padding,
      using: &rng)
    nameParameters(p.name)
  }
}

extension ResidualBlock {
  public convenience init(_ p: PlannedResidualBlock, using rng: inout some RandomNumberGenerator) {
    self.init(channels: p.conv3x3.input, hidden: p.conv3x3.output, using: &rng)
    nameParameters(p.name)  // the block names its own convolutions conv3x3 and conv1x1, as the plan does
  }
}

extension GeneralizedDivisiveNormalization {
  /// The planned GDN or IGDN, its tensors named by the plan (no random draws: it starts at β = 1, γ = 0.1·I).
  public convenience init(_ p: PlannedNormalization) {
    self.init(channels: p.channels, inverse: p.inverse)
    nameParameters(p.name)
  }
}
