import Serialization
import Testing

@testable import Bitstream

/// Version 2 (FORMAT.md §3.4): a header with its own CRC-32, then stage blocks, each closed by a CRC-32 chained to
/// the one before it. Any prefix of whole stages is a valid file with fewer stages; nothing else is.
@Suite struct VQContainerVersion2Tests {
  /// Three stages, so there are two proper prefixes.
  static let container: VQContainer = {
    var rng = SplitMix64(seed: 5)
    let first = SyntheticGrid.blocky(height: 5, width: 6, codebookSize: 64, blockSize: 3, noise: 0.1, using: &rng)
    let second = first.nextStage(noise: 0.1, using: &rng)
    let third = second.nextStage(noise: 0.2, using: &rng)
    return VQContainer(
      modelFingerprint: (0..<16).map { UInt8($0 * 17) }, imageWidth: 23, imageHeight: 20, channels: 3,
      downsamplingFactor: 4, codebookSize: 64, indexGrids: [first.indices, second.indices, third.indices])
  }()

  /// Where each stage's block ends: the lengths of the valid prefixes.
  static func stageEnds(_ c: VQContainer) -> [Int] {
    var end = 40
    return c.stages.map { stage in
      end += 9 + stage.bytes.count
      return end
    }
  }

  @Test func theLayoutIsTheSpecifiedOne() throws {
    let bytes = Self.container.serialize()
    #expect(Self.container.version == 2 && bytes[4] == 2 && bytes[5] == 0)
    var reader = ByteReader(bytes[36..<40])
    let headerCRC = try reader.read(UInt32.self)
    #expect(headerCRC == CRC32.checksum(bytes[..<36]))
    // Stage 0's block: coder, length, payload, then the CRC of (header CRC, coder, length, payload).
    let stage0 = Self.container.stages[0]
    #expect(bytes[40] == stage0.coder.rawValue)
    let end = 45 + stage0.bytes.count
    #expect(Array(bytes[45..<end]) == stage0.bytes)
    reader = ByteReader(bytes[end..<end + 4])
    #expect(try reader.read(UInt32.self) == CRC32.checksum(bytes[36..<end]))
    #expect(Self.stageEnds(Self.container).last == bytes.count)
    #expect(try VQContainer.parse(bytes) == Self.container)
  }

  @Test func everyPrefixOfWholeStagesIsTheFileWithFewerStages() throws {
    let bytes = Self.container.serialize()
    for (index, end) in Self.stageEnds(Self.container).enumerated() {
      let kept = Self.container.keepingStages(index + 1)
      #expect(kept.serialize() == Array(bytes.prefix(end)))
      let parsed = try VQContainer.parse(Array(bytes.prefix(end)))
      #expect(parsed == kept)
      #expect(try parsed.decodeIndexGrids() == Array(try Self.container.decodeIndexGrids().prefix(index + 1)))
    }
  }

  @Test func everyOtherCutThrows() {
    let bytes = Self.container.serialize()
    let ends = Set(Self.stageEnds(Self.container))
    for length in 0..<bytes.count where !ends.contains(length) {
      #expect(throws: FormatError.self, "cut at \(length)") { try VQContainer.parse(Array(bytes.prefix(length))) }
    }
    #expect(throws: FormatError.truncated(field: "stage 0", offset: 40)) { try VQContainer.parse(Array(bytes[..<40])) }
  }

  @Test func everySingleBitFlipThrows() {
    let bytes = Self.container.serialize()
    for bit in 0..<bytes.count * 8 {
      var flipped = bytes
      flipped[bit / 8] ^= 1 << UInt8(bit % 8)
      #expect(throws: FormatError.self, "bit \(bit)") { try VQContainer.parse(flipped) }
    }
  }

  /// The CRCs chain: a stage block taken from another file (the same header, another first stage) is refused, though
  /// its own bytes are intact: it was coded against another stage 0.
  @Test func aStageFromAnotherFileIsRefused() {
    var other = Self.container
    other.stages[0] = sampleContainer(seed: 9).stages[0]
    let ours = Self.container.serialize()
    let theirs = other.serialize()
    let ends = Self.stageEnds(Self.container)
    let theirEnds = Self.stageEnds(other)
    let spliced = Array(ours[..<ends[0]]) + Array(theirs[theirEnds[0]..<theirEnds[1]])
    guard case .inStage(1, .checksumMismatch) = parseError(spliced) else {
      Issue.record("expected a checksum mismatch in stage 1, got \(parseError(spliced))")
      return
    }
  }

  @Test func versionOneFilesStillParseAndKeepTheirLayout() throws {
    var v1 = Self.container
    v1.version = 1
    let bytes = v1.serialize()
    #expect(bytes[36] == 3)
    let parsed = try VQContainer.parse(bytes)
    #expect(parsed.version == 1 && parsed.serialize() == bytes)
    #expect(parsed.stages == Self.container.stages)
    #expect(parsed.keepingStages(2).serialize().count == bytes.count - 5 - Self.container.stages[2].bytes.count)
  }
}
