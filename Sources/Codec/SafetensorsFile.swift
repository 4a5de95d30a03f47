import Foundation
import Layers
import Serialization
import Tensors

/// A model as a safetensors file (Docs/FORMAT.md §9.1), the format PyTorch and Hugging Face tools read: an 8-byte
/// little-endian header length, a JSON header (each tensor's dtype, shape and byte range; `__metadata__` with the
/// architecture, estimator and notes) and the raw little-endian tensors. Small enough to write here rather than
/// depend on a library. Tensor names and shapes are the plan's (`ModelConfiguration.storedTensorShapes`); the
/// entropy coder's prior is the U32 tensor `index_prior` `[S, K]`. Converting a `.vqm` there and back gives the
/// same `.vqm` bytes.
public enum SafetensorsFile {
  /// Headers above this are refused before they are read (a real one is a few kilobytes).
  static let maxHeaderBytes = 1 << 24

  public static func serialize(_ model: VQModel, notes: String) -> [UInt8] {
    let c = model.configuration
    var metadata: [(String, JSONValue)] = [
      ("format", .string("vqcodec")), ("estimator", .string("\(model.estimator)")),
      (
        "layout",
        .string("NHWC; convolution weights [kh, kw, in, out]; transposed convolution weights [kh, kw, out, in]")
      ),
    ]
    for (key, value) in Self.configurationFields(c) { metadata.append((key, .string(String(value)))) }
    if c.activation != .relu { metadata.append(("activation", .string("\(c.activation)"))) }
    metadata.append(("notes", .string(notes)))
    var header: [(String, JSONValue)] = [("__metadata__", .object(metadata))]
    var data: [UInt8] = []
    for tensor in model.storedTensors {
      let start = data.count
      data.appendLittleEndian(tensor.value.scalars)
      header.append((tensor.name, entry("F32", shape: tensor.shape, from: start, to: data.count)))
    }
    if !model.indexPrior.isEmpty {
      let start = data.count
      for stage in model.indexPrior { for count in stage { data.appendLittleEndian(count) } }
      header.append(
        ("index_prior", entry("U32", shape: [model.indexPrior.count, c.codebookSize], from: start, to: data.count)))
    }
    var json = Array(JSONValue.object(header).line.utf8)
    while json.count % 8 != 0 { json.append(0x20) }  // the format's recommended alignment of the data
    var out: [UInt8] = []
    out.appendLittleEndian(UInt64(json.count))
    return out + json + data
  }

  /// Reads a safetensors file written by `serialize` (or by any tool that keeps its names, shapes and metadata) and
  /// rebuilds the model and its notes; throws `CodecError.invalidModel` (never traps) on anything malformed.
  public static func parse(_ bytes: [UInt8]) throws(CodecError) -> (model: VQModel, notes: String) {
    var reader = ByteReader(bytes)
    guard let length = try? reader.read(UInt64.self) else { throw .invalidModel("not a safetensors file (too short)") }
    guard length <= UInt64(min(maxHeaderBytes, reader.remainingCount)) else {
      throw .invalidModel("safetensors header length \(length) exceeds the file")
    }
    let headerEnd = 8 + Int(length)
    guard
      let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])) as? [String: Any],
      let metadata = header["__metadata__"] as? [String: String]
    else { throw .invalidModel("the safetensors header is not a JSON object with __metadata__") }
    guard metadata["format"] == "vqcodec" else { throw .invalidModel("not a vqcodec model (metadata format)") }
    guard let estimator = metadata["estimator"].flatMap(Estimator.init(name:)) else {
      throw .invalidModel("unknown estimator \(metadata["estimator"] ?? "(none)")")
    }
    let configuration = try configuration(from: metadata)
    var rng = SplitMix64(seed: 0)
    let model = VQModel(configuration, estimator: estimator, using: &rng)
    let data = bytes[headerEnd...]
    let expected = configuration.storedTensorShapes(estimator: estimator)
    var named: [String: Variable] = [:]
    for tensor in model.storedTensors { named[tensor.name] = tensor }
    for (name, shape) in expected {
      let floats = try Self.tensor(name, in: header, data: data, dtype: "F32", shape: shape)
      named[name]!.value = Tensor(shape: shape, scalars: floats.map { Float(bitPattern: $0) })
      guard named[name]!.value.isFinite else { throw .invalidModel("\(name) holds a value that is not finite") }
    }
    if header["index_prior"] != nil {
      let counts = try Self.tensor(
        "index_prior", in: header, data: data, dtype: "U32", shape: [configuration.stages, configuration.codebookSize])
      model.indexPrior = (0..<configuration.stages).map {
        Array(counts[$0 * configuration.codebookSize..<($0 + 1) * configuration.codebookSize])
      }
    }
    let known = Set(expected.map(\.name) + ["__metadata__", "index_prior"])
    if let unknown = header.keys.sorted().first(where: { !known.contains($0) }) {
      throw .invalidModel("tensor \(unknown) is not part of this architecture")
    }
    model.markCodebooksInitialized()
    return (model, metadata["notes"] ?? "")
  }

  /// The architecture's metadata keys, in `ModelConfiguration`'s field order.
  private static let configurationKeys = [
    "downsampling", "width", "residual_blocks", "residual_hidden", "latent_dimension", "codebook_size", "stages",
  ]

  private static func configurationFields(_ c: ModelConfiguration) -> [(String, Int)] {
    Array(
      zip(
        configurationKeys,
        [c.downsampling, c.width, c.residualBlocks, c.residualHidden, c.latentDimension, c.codebookSize, c.stages]))
  }

  private static func configuration(from metadata: [String: String]) throws(CodecError) -> ModelConfiguration {
    let v = try configurationKeys.map { key throws(CodecError) in
      guard let value = metadata[key].flatMap({ Int($0) }) else { throw .invalidModel("metadata has no \(key)") }
      return value
    }
    // Files from before GDN have no "activation": ReLU.
    let name = metadata["activation"] ?? "relu"
    guard let activation = ModelConfiguration.Activation.allCases.first(where: { "\($0)" == name }) else {
      throw .invalidModel("unknown activation \(name)")
    }
    let c = ModelConfiguration(
      downsampling: v[0], width: v[1], residualBlocks: v[2], residualHidden: v[3], latentDimension: v[4],
      codebookSize: v[5], stages: v[6], activation: activation)
    try c.validate()
    return c
  }

  private static func entry(_ dtype: String, shape: [Int], from start: Int, to end: Int) -> JSONValue {
    .object([
      ("dtype", .string(dtype)), ("shape", .array(shape.map { .integer($0) })),
      ("data_offsets", .array([.integer(start), .integer(end)])),
    ])
  }

  /// Tensor `name`'s 32-bit words, after checking its dtype, shape and byte range against the data.
  private static func tensor(
    _ name: String, in header: [String: Any], data: ArraySlice<UInt8>, dtype: String, shape: [Int]
  ) throws(CodecError) -> [UInt32] {
    guard let info = header[name] as? [String: Any] else { throw .invalidModel("no tensor \(name)") }
    guard info["dtype"] as? String == dtype else { throw .invalidModel("\(name) is not \(dtype)") }
    guard (info["shape"] as? [Int]) == shape else {
      throw .invalidModel("\(name) has shape \(info["shape"] ?? "none"), the architecture needs \(shape)")
    }
    guard let offsets = info["data_offsets"] as? [Int], offsets.count == 2, offsets[0] >= 0,
      offsets[1] - offsets[0] == 4 * shape.reduce(1, *), offsets[1] <= data.count
    else { throw .invalidModel("\(name) has data offsets outside the file or of the wrong size") }
    var reader = ByteReader(data.dropFirst(offsets[0]).prefix(offsets[1] - offsets[0]))
    return (0..<shape.reduce(1, *)).map { _ in (try? reader.read(UInt32.self)) ?? 0 }
  }
}
