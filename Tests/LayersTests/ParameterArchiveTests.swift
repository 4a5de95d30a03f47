import Serialization
import Tensors
import Testing

@testable import Layers

/// Three named tensors: a rank-2, a rank-1 with awkward values, and a scalar-shaped one.
func sampleArchive() -> ParameterArchive {
  var rng = SplitMix64(seed: 21)
  return ParameterArchive(entries: [
    ("encoder.down0.weight", Tensor.uniform(shape: [2, 3], in: -1...1, using: &rng)),
    ("bias", Tensor(shape: [4], scalars: [0, -0, .greatestFiniteMagnitude, -.leastNonzeroMagnitude])),
    ("ü", Tensor(shape: [], scalars: [42])),
  ])
}

/// Rewrites the trailing CRC so that an edited body reaches the check it is aimed at.
func withFixedChecksum(_ bytes: [UInt8]) -> [UInt8] {
  var body = Array(bytes.dropLast(4))
  body.appendLittleEndian(CRC32.checksum(body))
  return body
}

/// The archive's header (magic, version, count) followed by one tensor header `name`, `rank`, `dims`, no data.
func archiveHeader(count: UInt32, name: String = "t", dims: [UInt32]) -> [UInt8] {
  var out = ParameterArchive.magic
  out.appendLittleEndian(ParameterArchive.version)
  out.appendLittleEndian(count)
  out.appendLittleEndian(UInt16(name.utf8.count))
  out += Array(name.utf8)
  out.append(UInt8(dims.count))
  for d in dims { out.appendLittleEndian(d) }
  out += [0, 0, 0, 0]  // room for the CRC
  return withFixedChecksum(out)
}

@Test func archiveRoundTrips() throws {
  let archive = sampleArchive()
  let bytes = archive.serialize()
  let parsed = try ParameterArchive.parse(bytes[...])
  #expect(parsed == archive)
  #expect(parsed.entries.map(\.name) == ["encoder.down0.weight", "bias", "ü"])
  #expect(
    parsed.tensor(named: "bias")!.scalars.map(\.bitPattern) == archive.entries[1].tensor.scalars.map(\.bitPattern))
  #expect(parsed.serialize() == bytes)
  // An empty archive round-trips too, and the parser accepts a slice that does not start at index 0.
  #expect(try ParameterArchive.parse(ParameterArchive(entries: []).serialize()[...]) == ParameterArchive(entries: []))
  let padded = [0xAA] + bytes
  #expect(try ParameterArchive.parse(padded[1...]) == archive)
}

@Test func archiveFromParametersUsesTheirNames() throws {
  let a = Variable(Tensor(shape: [2], scalars: [1, 2]), name: "a")
  let b = Variable(Tensor(shape: [1, 1], scalars: [3]), name: "b")
  let parsed = try ParameterArchive.parse(ParameterArchive(parameters: [a, b]).serialize()[...])
  #expect(parsed.entries.map(\.name) == ["a", "b"])
  #expect(parsed.tensor(named: "b") == Tensor(shape: [1, 1], scalars: [3]))
  #expect(parsed.tensor(named: "c") == nil)
}

@Test func everyArchiveTruncationThrows() {
  let bytes = sampleArchive().serialize()
  for length in 0..<bytes.count {
    #expect(throws: ArchiveError.self, "length \(length)") { try ParameterArchive.parse(bytes[..<length]) }
  }
}

@Test func everyArchiveBitFlipThrows() {
  let bytes = sampleArchive().serialize()
  for bit in 0..<bytes.count * 8 {
    var flipped = bytes
    flipped[bit / 8] ^= 1 << (bit % 8)
    #expect(throws: ArchiveError.self, "bit \(bit)") { try ParameterArchive.parse(flipped[...]) }
  }
}

@Test func archiveRejectsBadMagicAndFutureVersions() {
  var bytes = sampleArchive().serialize()
  bytes[0] = UInt8(ascii: "X")
  #expect(throws: ArchiveError.badMagic) { try ParameterArchive.parse(withFixedChecksum(bytes)[...]) }
  bytes = sampleArchive().serialize()
  bytes[4] = 2
  #expect(throws: ArchiveError.unsupportedVersion(2)) { try ParameterArchive.parse(withFixedChecksum(bytes)[...]) }
  bytes[4] = 0
  #expect(throws: ArchiveError.unsupportedVersion(0)) { try ParameterArchive.parse(withFixedChecksum(bytes)[...]) }
}

@Test func archiveRejectsGarbageAndEmptyInput() {
  #expect(throws: ArchiveError.truncated) { try ParameterArchive.parse([][...]) }
  var rng = SplitMix64(seed: 4)
  for length in [14, 100, 1000] {
    let garbage = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
    #expect(throws: ArchiveError.self) { try ParameterArchive.parse(garbage[...]) }
  }
}

/// Sizes are checked against the bytes that remain before anything is allocated: these headers would ask for
/// 2^32 tensors or 2^128 floats, and must fail at once (a parser that allocated first would crash or hang here).
@Test func archiveRejectsAbsurdCountsAndDimensionsBeforeAllocating() {
  #expect(throws: ArchiveError.corrupt("tensor count 4294967295 exceeds the file size")) {
    try ParameterArchive.parse(archiveHeader(count: .max, dims: [1])[...])
  }
  for dims: [UInt32] in [
    [.max, .max, .max, .max], [1 << 31, 4], [1_000_000],
    [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF],
  ] {
    #expect(throws: ArchiveError.self, "dims \(dims)") {
      try ParameterArchive.parse(archiveHeader(count: 1, dims: dims)[...])
    }
    do {
      _ = try ParameterArchive.parse(archiveHeader(count: 1, dims: dims)[...])
    } catch {
      guard case .corrupt(let why) = error else {
        Issue.record("dims \(dims): \(error), expected .corrupt")
        continue
      }
      #expect(why.contains("exceeds the file size"))
    }
  }
  #expect(throws: ArchiveError.corrupt("tensor t has rank 9")) {
    try ParameterArchive.parse(archiveHeader(count: 1, dims: [UInt32](repeating: 1, count: 9))[...])
  }
}

@Test func archiveRejectsTrailingBytes() {
  var bytes = sampleArchive().serialize()
  bytes.insert(0, at: bytes.count - 4)
  #expect(throws: ArchiveError.corrupt("1 unexpected bytes after the last tensor")) {
    try ParameterArchive.parse(withFixedChecksum(bytes)[...])
  }
}

@Test func loadCopiesValuesByName() throws {
  let a = Variable(Tensor(zeros: [2]), name: "a")
  let b = Variable(Tensor(zeros: [1]), name: "b")
  let archive = ParameterArchive(entries: [
    ("b", Tensor(shape: [1], scalars: [7])), ("a", Tensor(shape: [2], scalars: [1, 2])),
    ("extra", Tensor(shape: [1], scalars: [0])),
  ])
  try archive.load(into: [a, b])
  #expect(a.value.scalars == [1, 2] && b.value.scalars == [7])
}

@Test func loadReportsMissingTensorsAndShapeMismatchesWithoutChangingAnything() {
  let a = Variable(Tensor(shape: [2], scalars: [5, 5]), name: "a")
  let b = Variable(Tensor(shape: [2, 1], scalars: [6, 6]), name: "b")
  let missing = ParameterArchive(entries: [("a", Tensor(shape: [2], scalars: [1, 2]))])
  #expect(throws: ArchiveError.missingTensor("b")) { try missing.load(into: [a, b]) }
  let misshapen = ParameterArchive(entries: [
    ("a", Tensor(shape: [2], scalars: [1, 2])), ("b", Tensor(shape: [1, 2], scalars: [3, 4])),
  ])
  #expect(throws: ArchiveError.shapeMismatch("b", expected: [2, 1], found: [1, 2])) {
    try misshapen.load(into: [a, b])
  }
  // Validation happens before any copy: `a` keeps its value although it came first and matched.
  #expect(a.value.scalars == [5, 5] && b.value.scalars == [6, 6])
  #expect(
    ArchiveError.shapeMismatch("b", expected: [2, 1], found: [1, 2]).description
      == "tensor b has shape [1, 2], the model expects [2, 1]")
}

/// Found by fuzzing: dimensions whose product overflows before a zero dimension brings it back to 0 are refused,
/// not handed to `Tensor` (whose own product would trap).
@Test func overflowingShapeHiddenByAZeroDimensionIsRefused() {
  var bytes = ParameterArchive.magic + [1, 0, 1, 0, 0, 0, 0, 0, 3]
  bytes += [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]
  let crc = CRC32.checksum(bytes)
  bytes += [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: crc >> $0) }
  #expect(throws: ArchiveError.self) { try ParameterArchive.parse(bytes[...]) }
}
