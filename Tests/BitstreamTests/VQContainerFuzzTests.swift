import Testing

@testable import Bitstream

/// Seeded, bounded fuzzing: random mutations of valid files must parse or throw, and the grids of any that
/// parse must decode or throw, never trap or hang. Half the mutants get a freshly computed CRC, so that the
/// field checks and the payload decoders (not only the checksum) see corrupt input.
@Test func randomMutationsParseOrThrow() {
  var rng = SplitMix64(seed: 0xF022)
  let originals = (1...4).map { sampleContainer(seed: $0).serialize() }
  var parsedCount = 0
  var decodedCount = 0
  for iteration in 0..<5000 {
    var bytes = originals[iteration % originals.count]
    for _ in 0..<Int.random(in: 1...4, using: &rng) {
      switch Int.random(in: 0..<4, using: &rng) {
      case 0:  // flip one bit
        let bit = Int.random(in: 0..<bytes.count * 8, using: &rng)
        bytes[bit / 8] ^= 1 << UInt8(bit % 8)
      case 1:  // overwrite a byte
        bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
      case 2:  // cut
        bytes.removeLast(Int.random(in: 0..<min(8, bytes.count), using: &rng))
      default:  // insert
        bytes.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...bytes.count, using: &rng))
      }
      if bytes.count < 8 { bytes += [0, 0, 0, 0] }
    }
    if iteration % 2 == 0 { bytes = withFixedChecksum(bytes) }
    guard let container = try? VQContainer.parse(bytes) else { continue }
    parsedCount += 1
    if (try? container.decodeIndexGrids()) != nil { decodedCount += 1 }
  }
  // Some mutants (e.g. payload bytes with a fixed CRC) must reach the payload decoders.
  #expect(parsedCount > 100, "only \(parsedCount) mutants parsed; decoded \(decodedCount)")
}
