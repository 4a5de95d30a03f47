import Serialization
import Testing

@testable import Bitstream

/// A small valid container with two stages (fixed width and adaptive), used by most tests below: a version 1 file
/// (one CRC at the end), whose byte layout these tests edit; version 2 has its own tests (VQContainerVersion2Tests).
func sampleContainer(seed: UInt64 = 1, version: UInt16 = 1) -> VQContainer {
  var rng = SplitMix64(seed: seed)
  let first = SyntheticGrid.blocky(height: 5, width: 6, codebookSize: 64, blockSize: 3, noise: 0.1, using: &rng)
  let second = first.nextStage(noise: 0.1, using: &rng)
  var container = VQContainer(
    modelFingerprint: (0..<16).map { UInt8($0 * 17) }, imageWidth: 23, imageHeight: 20, channels: 3,
    downsamplingFactor: 4, codebookSize: 64, indexGrids: [first.indices, second.indices])
  container.version = version
  return container
}

/// Rewrites the CRC so that a deliberately edited header reaches the field check it is aimed at.
func withFixedChecksum(_ bytes: [UInt8]) -> [UInt8] {
  var body = Array(bytes.dropLast(4))
  body.appendLittleEndian(CRC32.checksum(body[...]))
  return body
}

func setUInt16(_ value: UInt16, at offset: Int, in bytes: inout [UInt8]) {
  bytes[offset] = UInt8(value & 0xFF)
  bytes[offset + 1] = UInt8(value >> 8)
}

@Test func containerRoundTripsRandomHeaders() throws {
  var rng = SplitMix64(seed: 99)
  for _ in 0..<200 {
    let factor = Int.random(in: 1...64, using: &rng)
    let width = Int.random(in: 1...min(65535, 24 * factor), using: &rng)
    let height = Int.random(in: 1...min(65535, 24 * factor), using: &rng)
    let codebookSize = [2, 3, 17, 256, 4096, 4097, 65536][Int.random(in: 0..<7, using: &rng)]
    let stageCount = Int.random(in: 1...3, using: &rng)
    var container = VQContainer(
      modelFingerprint: (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }, imageWidth: width,
      imageHeight: height, channels: [1, 3, 4][Int.random(in: 0..<3, using: &rng)],
      downsamplingFactor: factor, codebookSize: codebookSize, stages: [])
    var grids: [[UInt16]] = []
    for _ in 0..<stageCount {
      grids.append(
        SyntheticGrid.uniform(
          height: container.latentHeight, width: container.latentWidth,
          codebookSize: codebookSize, using: &rng
        ).indices)
    }
    container = VQContainer(
      modelFingerprint: container.modelFingerprint, imageWidth: width, imageHeight: height,
      channels: container.channels, downsamplingFactor: factor, codebookSize: codebookSize, indexGrids: grids)
    let parsed = try VQContainer.parse(container.serialize())
    #expect(parsed == container)
    #expect(try parsed.decodeIndexGrids() == grids)
  }
}

@Test func containerDecodesStaticStagesWithTheModelsPrior() throws {
  var rng = SplitMix64(seed: 8)
  let prior = SyntheticGrid.skewedCounts(codebookSize: 256)
  let grids = (0..<2).map { _ in SyntheticGrid.skewed(height: 16, width: 16, codebookSize: 256, using: &rng).indices }
  let container = VQContainer(
    modelFingerprint: [UInt8](repeating: 1, count: 16), imageWidth: 128, imageHeight: 128, channels: 3,
    downsamplingFactor: 8, codebookSize: 256, indexGrids: grids, priorCounts: [prior, prior])
  #expect(container.stages.contains { $0.coder == .staticRange })
  let parsed = try VQContainer.parse(container.serialize())
  #expect(try parsed.decodeIndexGrids(priorCounts: [prior, prior]) == grids)
  #expect(throws: FormatError.self) { try parsed.decodeIndexGrids() }
}

@Test func everyTruncationThrows() {
  let bytes = sampleContainer().serialize()
  for length in 0..<bytes.count {
    #expect(throws: FormatError.self) { try VQContainer.parse(Array(bytes[..<length])) }
  }
  #expect(throws: FormatError.truncated(field: "magic", offset: 0)) { try VQContainer.parse([]) }
  #expect(throws: FormatError.truncated(field: "width", offset: 22)) { try VQContainer.parse(Array(bytes[..<23])) }
  #expect(throws: FormatError.truncated(field: "CRC-32", offset: bytes.count - 4)) {
    try VQContainer.parse(Array(bytes.dropLast(1)))
  }
}

@Test func everySingleBitFlipThrows() {
  let bytes = sampleContainer().serialize()
  for bit in 0..<bytes.count * 8 {
    var flipped = bytes
    flipped[bit / 8] ^= 1 << UInt8(bit % 8)
    #expect(throws: FormatError.self) { try VQContainer.parse(flipped) }
  }
}

@Test func eachDefectGivesItsOwnError() {
  let bytes = sampleContainer().serialize()
  #expect(throws: FormatError.wrongMagic(found: Array("GIF8".utf8))) {
    try VQContainer.parse(Array("GIF89a garbage".utf8))
  }
  var future = bytes
  setUInt16(3, at: 4, in: &future)
  #expect(throws: FormatError.unsupportedVersion(found: 3)) { try VQContainer.parse(withFixedChecksum(future)) }
  #expect(throws: FormatError.trailingBytes(count: 1)) { try VQContainer.parse(bytes + [0]) }
  var corrupt = bytes
  corrupt[50] ^= 0x10  // inside a payload: only the CRC can notice
  guard case .checksumMismatch = parseError(corrupt) else {
    Issue.record("a flipped payload bit must give checksumMismatch, got \(parseError(corrupt))")
    return
  }
}

func parseError(_ bytes: [UInt8]) -> FormatError {
  do {
    _ = try VQContainer.parse(bytes)
    return .malformedPayload(reason: "parsed")
  } catch {
    return error
  }
}

@Test func fieldLimitsAreCheckedAndNamed() {
  let bytes = sampleContainer().serialize()
  func expectField(
    _ field: String, after edit: (inout [UInt8]) -> Void, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    var edited = bytes
    edit(&edited)
    let error = parseError(withFixedChecksum(edited))
    if case .fieldOutOfRange(let name, _, _, _) = error, name == field { return }
    Issue.record("expected \(field) out of range, got \(error)", sourceLocation: sourceLocation)
  }
  expectField("width") { setUInt16(0, at: 22, in: &$0) }
  // Huge.
  expectField("height") {
    setUInt16(65535, at: 22, in: &$0)
    setUInt16(65535, at: 24, in: &$0)
  }
  expectField("channels") { $0[26] = 2 }
  expectField("downsamplingFactor") { $0[27] = 0 }
  expectField("downsamplingFactor") { $0[27] = 65 }
  expectField("latentWidth") { setUInt16(7, at: 28, in: &$0) }
  expectField("latentHeight") { setUInt16(6, at: 30, in: &$0) }
  expectField("codebookSize") { $0[32] = 1 }
  expectField("codebookSize") { $0[34] = 2 }  // K = 64 + 2^17
  expectField("stageCount") { $0[36] = 0 }
  expectField("stageCount") { $0[36] = 17 }
  expectField("stageCount") {  // 16384 × 16384 pixels at f = 1: 2^28 indices per stage
    setUInt16(16384, at: 22, in: &$0)
    setUInt16(16384, at: 24, in: &$0)
    $0[27] = 1
    setUInt16(16384, at: 28, in: &$0)
    setUInt16(16384, at: 30, in: &$0)
  }
  var unknownCoder = bytes
  unknownCoder[37] = 4
  #expect(throws: FormatError.unknownCoder(stage: 0, offset: 37, id: 4)) {
    try VQContainer.parse(withFixedChecksum(unknownCoder))
  }
  var longPayload = bytes
  longPayload[38 + 5 + 3] = 0x7F  // stage 1's length near 2^31
  #expect(throws: FormatError.self) { try VQContainer.parse(withFixedChecksum(longPayload)) }
  if case .payloadLengthExceedsFile(let stage, let offset, _, _) = parseError(withFixedChecksum(longPayload)) {
    #expect(stage == 1 && offset == 43)
  } else {
    Issue.record("expected payloadLengthExceedsFile, got \(parseError(withFixedChecksum(longPayload)))")
  }
}

@Test func errorDescriptionsAreOneLineAndNameTheField() {
  let errors: [FormatError] = [
    .truncated(field: "width", offset: 22), .wrongMagic(found: [1, 2]), .unsupportedVersion(found: 9),
    .fieldOutOfRange(field: "codebookSize", offset: 32, value: 1, valid: "2...65536"),
    .unknownCoder(stage: 0, offset: 37, id: 9),
    .payloadLengthExceedsFile(stage: 1, offset: 43, length: 9, available: 2),
    .trailingBytes(count: 3), .checksumMismatch(stored: 1, computed: 2),
    .inStage(1, .outOfBits(requested: 2, remaining: 1)),
  ]
  for error in errors {
    #expect(!error.description.contains("\n"))
  }
  #expect(
    FormatError.fieldOutOfRange(field: "codebookSize", offset: 32, value: 1, valid: "2...65536").description
      == "codebookSize at offset 32 is 1; valid: 2...65536")
  #expect(FormatError.unsupportedVersion(found: 3).description.contains("offset 4"))
}
