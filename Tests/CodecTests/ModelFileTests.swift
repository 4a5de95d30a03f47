import Codec
import Foundation
import Layers
import Tensors
import Testing

/// Byte offsets of the `.vqm` header fields (Docs/FORMAT.md §5).
enum VQMOffset {
  static let version = 4, estimator = 6, activation = 7
  static let downsampling = 8, width = 10, residualBlocks = 12, residualHidden = 14
  static let latentDimension = 16, codebookSize = 18, stages = 22, noteLength = 24, notes = 28
}

func storedValues(_ model: VQModel) -> [String: Tensor] {
  Dictionary(uniqueKeysWithValues: model.storedTensors.map { ($0.name, $0.value) })
}

@Test(arguments: Estimator.allCases)
func modelFileRoundTrips(estimator: Estimator) throws {
  let model = makeModel(seed: 1, estimator: estimator)
  let notes = "{\"trained_steps\": 3, \"note\": \"ünïcode\"}"
  let bytes = ModelFile.serialize(model, notes: notes)
  let (parsed, parsedNotes) = try ModelFile.parse(bytes)
  #expect(parsedNotes == notes)
  #expect(parsed.configuration == model.configuration)
  #expect(parsed.estimator == estimator)
  #expect(parsed.indexPrior == model.indexPrior)
  #expect(storedValues(parsed) == storedValues(model))
  #expect(parsed.storedTensors.map(\.name) == model.storedTensors.map(\.name))
  #expect(ModelFile.serialize(parsed, notes: notes) == bytes)
  if estimator != .straightThrough { #expect(parsed.stageCount == 1) }
}

/// A GDN model keeps its activation and its GDN tensors (moved off their starting values), and decodes the same.
@Test func gdnModelFileRoundTrips() throws {
  var configuration = ModelConfiguration.presets["tiny"]!
  configuration.activation = .gdn
  let model = makeModel(configuration, seed: 4)
  var rng = SplitMix64(seed: 5)
  let gdn = model.storedTensors.filter { $0.name.contains("gdn") }
  #expect(
    gdn.map(\.name) == [
      "encoder.gdn0.beta", "encoder.gdn0.gamma", "encoder.gdn1.beta", "encoder.gdn1.gamma",
      "decoder.igdn0.beta", "decoder.igdn0.gamma",
    ])
  for t in gdn { t.value = .uniform(shape: t.shape, in: 0.2...1, using: &rng) }
  let bytes = ModelFile.serialize(model)
  #expect(bytes[VQMOffset.activation] == 1)
  let (parsed, _) = try ModelFile.parse(bytes)
  #expect(parsed.configuration == configuration)
  #expect(storedValues(parsed) == storedValues(model))
  #expect(ModelFile.serialize(parsed) == bytes)
  let indices: [[Int32]] = [[0, 1, 2, 3, 0, 1], [3, 2, 1, 0, 3, 2]]
  #expect(
    parsed.reconstruction(from: indices, latentShape: [1, 2, 3])
      == model.reconstruction(from: indices, latentShape: [1, 2, 3]))
  // The same weights without GDN are another model: the activation changes the pictures.
  var edited = bytes
  edited[VQMOffset.activation] = 0
  #expect(throws: CodecError.self) { try ModelFile.parse(withFixedChecksum(edited)) }  // fewer weights expected
}

@Test func modelFileWithoutPriorOrNotesRoundTrips() throws {
  var rng = SplitMix64(seed: 2)
  let model = VQModel(microConfiguration, using: &rng)
  let bytes = ModelFile.serialize(model)
  let (parsed, notes) = try ModelFile.parse(bytes)
  #expect(notes.isEmpty && parsed.indexPrior.isEmpty)
  #expect(storedValues(parsed) == storedValues(model))
}

@Test func fingerprintIsStableAndTellsModelsApart() throws {
  let a = makeModelBytes(seed: 1)
  let b = makeModelBytes(seed: 2)
  #expect(ModelFile.fingerprint(of: a).count == 16)
  #expect(ModelFile.fingerprint(of: a) == ModelFile.fingerprint(of: makeModelBytes(seed: 1)))
  #expect(ModelFile.fingerprint(of: a) == ModelFile.fingerprint(of: ModelFile.serialize(try ModelFile.parse(a).model)))
  #expect(ModelFile.fingerprint(of: a) != ModelFile.fingerprint(of: b))
  // One changed weight bit, or different notes, is a different model file.
  var c = a
  c[c.count - 40] ^= 1
  #expect(ModelFile.fingerprint(of: withFixedChecksum(c)) != ModelFile.fingerprint(of: a))
  #expect(ModelFile.fingerprint(of: makeModelBytes(seed: 1, notes: "x")) != ModelFile.fingerprint(of: a))
  // FNV-1a of nothing is its offset basis: the first half is the standard 64-bit FNV-1a.
  #expect(ModelFile.fingerprint(of: []).prefix(8) == [0x25, 0x23, 0x22, 0x84, 0xE4, 0x9C, 0xF2, 0xCB])
}

func expectInvalidModel(_ bytes: [UInt8], _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation)
{
  do {
    _ = try ModelFile.parse(bytes)
    Issue.record(
      "parsed, expected CodecError.invalidModel \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
  } catch {
    guard case .invalidModel = error else {
      Issue.record(
        "\(error), expected .invalidModel \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
      return
    }
  }
}

@Test func everyModelFileTruncationThrows() {
  let bytes = makeModelBytes(microConfiguration, seed: 3, notes: "n")
  for length in 0..<bytes.count { expectInvalidModel(Array(bytes[..<length]), "length \(length)") }
}

@Test func everyModelFileBitFlipThrows() {
  let bytes = makeModelBytes(microConfiguration, seed: 3, notes: "n")
  for bit in 0..<bytes.count * 8 {
    var flipped = bytes
    flipped[bit / 8] ^= 1 << (bit % 8)
    expectInvalidModel(flipped, "bit \(bit)")
  }
}

/// With the CRC fixed up, an edit reaches the field checks; each header byte set to a few values must give a model
/// or a `CodecError`, never a trap.
@Test func editedHeaderBytesNeverTrap() {
  let bytes = makeModelBytes(microConfiguration, seed: 3, notes: "n")
  for offset in 0..<VQMOffset.notes + 1 + 4 + 8 {
    for value: UInt8 in [0, 1, 2, 0x7F, 0x80, 0xFF, bytes[offset] ^ 1] {
      var edited = bytes
      edited[offset] = value
      _ = try? ModelFile.parse(withFixedChecksum(edited))
    }
  }
}

@Test func garbageEmptyAndForeignFilesThrow() {
  expectInvalidModel([])
  expectInvalidModel(Array("VQM1".utf8))
  var rng = SplitMix64(seed: 9)
  for length in [39, 40, 41, 500, 5000] {
    expectInvalidModel((0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }, "garbage of \(length)")
    expectInvalidModel(
      withFixedChecksum(Array("VQM1".utf8) + (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }),
      "VQM1 + garbage of \(length)")
  }
  // A .vq file, a PNG, a parameter archive are not models.
  expectInvalidModel(Array("VQC1".utf8) + [UInt8](repeating: 0, count: 60))
  expectInvalidModel([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 60))
  expectInvalidModel(ParameterArchive(entries: [("a", Tensor(zeros: [16]))]).serialize())
}

@Test func wrongMagicAndFutureVersionsThrow() throws {
  let bytes = makeModelBytes(microConfiguration, seed: 3)
  var edited = bytes
  edited[3] = UInt8(ascii: "2")
  #expect(throws: CodecError.invalidModel("not a vqcodec model (bad magic)")) {
    try ModelFile.parse(withFixedChecksum(edited))
  }
  for version: UInt64 in [0, 2, 0xFFFF] {
    edited = bytes
    setLittleEndian(version, size: 2, at: VQMOffset.version, in: &edited)
    #expect(throws: CodecError.invalidModel("model format version \(version) is not supported (this build reads 1)")) {
      try ModelFile.parse(withFixedChecksum(edited))
    }
  }
  edited = bytes
  edited[VQMOffset.estimator] = 3
  #expect(throws: CodecError.invalidModel("unknown estimator id")) { try ModelFile.parse(withFixedChecksum(edited)) }
  for activation: UInt8 in [2, 255] {
    edited = bytes
    edited[VQMOffset.activation] = activation
    #expect(throws: CodecError.invalidModel("unknown activation id")) {
      try ModelFile.parse(withFixedChecksum(edited))
    }
  }
}

@Test(arguments: [
  (VQMOffset.downsampling, 2, 0), (VQMOffset.downsampling, 2, 3), (VQMOffset.downsampling, 2, 32),
  (VQMOffset.width, 2, 0), (VQMOffset.width, 2, 6), (VQMOffset.width, 2, 9), (VQMOffset.width, 2, 1026),
  (VQMOffset.residualBlocks, 2, 17), (VQMOffset.residualHidden, 2, 0), (VQMOffset.residualHidden, 2, 1025),
  (VQMOffset.latentDimension, 2, 0), (VQMOffset.latentDimension, 2, 1025),
  (VQMOffset.codebookSize, 4, 0), (VQMOffset.codebookSize, 4, 1), (VQMOffset.codebookSize, 4, 65537),
  (VQMOffset.codebookSize, 4, 0xFFFF_FFFF), (VQMOffset.stages, 2, 0), (VQMOffset.stages, 2, 17),
])
func configurationOutOfRangeThrows(offset: Int, size: Int, value: UInt64) {
  var bytes = makeModelBytes(microConfiguration, seed: 3)
  setLittleEndian(value, size: size, at: offset, in: &bytes)
  expectInvalidModel(withFixedChecksum(bytes), "value \(value) at offset \(offset)")
}

/// In-range fields that disagree with the rest of the file: the notes' and the weights' lengths, the prior's stage
/// count, and an architecture that does not fit the stored weights.
@Test func inconsistentSectionsThrow() {
  let bytes = makeModelBytes(microConfiguration, seed: 3, notes: "n")
  for (offset, size, value): (Int, Int, UInt64) in [
    (VQMOffset.noteLength, 4, 0xFFFF_FFFF), (VQMOffset.noteLength, 4, 1 << 20 + 1), (VQMOffset.noteLength, 4, 0),
    (VQMOffset.noteLength, 4, 2), (VQMOffset.notes + 1, 4, 1), (VQMOffset.notes + 1, 4, 3),
    (VQMOffset.notes + 1, 4, 0xFFFF_FFFF),
    (VQMOffset.width, 2, 10), (VQMOffset.latentDimension, 2, 3), (VQMOffset.codebookSize, 4, 5),
    (VQMOffset.stages, 2, 1),
    (VQMOffset.residualBlocks, 2, 1),
  ] {
    var edited = bytes
    setLittleEndian(value, size: size, at: offset, in: &edited)
    expectInvalidModel(withFixedChecksum(edited), "value \(value) at offset \(offset)")
  }
  // The weights section's length (u64 after the prior) must match the rest of the file exactly.
  let priorStages = 2
  let k = microConfiguration.codebookSize
  let archiveLengthOffset = VQMOffset.notes + 1 + 4 + 4 * priorStages * k
  for value: UInt64 in [0, 1, .max, UInt64(bytes.count)] {
    var edited = bytes
    setLittleEndian(value, size: 8, at: archiveLengthOffset, in: &edited)
    expectInvalidModel(withFixedChecksum(edited), "weights length \(value)")
  }
}

/// A file of a few kilobytes that claims the largest architecture in range (16 stages of 65536 × 1024 codes, 4 GiB
/// of codebooks alone) must be refused from the sizes of what it stores, before any layer is allocated. The time limit
/// only catches a hang: swift-testing's clock also runs while the test waits for a free thread, which on a loaded
/// 2-core machine took over a minute for this 5 ms test.
@Test(.timeLimit(.minutes(10))) func hugeArchitectureWithSmallWeightsIsRefusedBeforeAllocating() {
  var rng = SplitMix64(seed: 4)
  // No prior: the prior check cannot catch it.
  var bytes = ModelFile.serialize(VQModel(microConfiguration, using: &rng))
  for (offset, size, value): (Int, Int, UInt64) in [
    (VQMOffset.downsampling, 2, 16), (VQMOffset.width, 2, 1024), (VQMOffset.residualBlocks, 2, 16),
    (VQMOffset.residualHidden, 2, 1024), (VQMOffset.latentDimension, 2, 1024), (VQMOffset.codebookSize, 4, 65536),
    (VQMOffset.stages, 2, 16),
  ] { setLittleEndian(value, size: size, at: offset, in: &bytes) }
  let before = peakResidentBytes()
  expectInvalidModel(withFixedChecksum(bytes))
  // Memory, not time, shows nothing was allocated: a timing bound would depend on the machine and its load.
  #expect(peakResidentBytes() - before < 1 << 30)
}

/// The process's peak resident set so far (Linux reports kilobytes).
private func peakResidentBytes() -> Int {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return usage.ru_maxrss * 1024
}

/// A checksum only proves the bytes are as written: NaN or infinite weights are refused by name.
@Test(arguments: [Float.nan, .infinity, -.infinity])
func nonFiniteWeightsAreRefused(_ value: Float) throws {
  let model = makeModel(seed: 11)
  let target = model.storedTensors[model.storedTensors.count / 2]
  target.value.scalars[target.value.count - 1] = value
  #expect(throws: CodecError.invalidModel("\(target.name) holds a value that is not finite (NaN or infinity)")) {
    try ModelFile.parse(ModelFile.serialize(model))
  }
}

/// Finite weights so large that every activation overflows: encoding and decoding give some image, never a trap
/// (no float-to-integer conversion on either path can fail).
@Test(arguments: [Float(1e30), -1e30])
func overflowingWeightsCodeWithoutTrapping(_ scale: Float) throws {
  let model = makeModel(seed: 12)
  for tensor in model.storedTensors { tensor.value.scalars = tensor.value.scalars.map { $0 == 0 ? scale : $0 * scale } }
  let codec = try ImageCodec(modelBytes: ModelFile.serialize(model))
  let image = testImage(width: 21, height: 13, seed: 3)
  let decoded = try codec.decode(try codec.encode(image))
  #expect(decoded.width == 21 && decoded.height == 13)
}
