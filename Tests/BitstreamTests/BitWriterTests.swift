import Testing

@testable import Bitstream

@Test(arguments: [1, 3, 9, 17, 32])
func bitWriterRoundTripsRandomValues(bitCount: Int) throws {
  var rng = SplitMix64(seed: UInt64(bitCount))
  let mask = bitCount == 32 ? UInt32.max : (1 << UInt32(bitCount)) - 1
  let values = (0..<1000).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) & mask }
  var writer = BitWriter()
  for value in values { writer.write(value, bitCount: bitCount) }
  let bytes = writer.paddedBytes
  #expect(bytes.count == (1000 * bitCount + 7) / 8)
  var reader = BitReader(bytes)
  for value in values { #expect(try reader.read(bitCount: bitCount) == value) }
  #expect(reader.remainingBitCount < 8)
}

@Test func bitWriterIsMostSignificantBitFirst() {
  var writer = BitWriter()
  writer.write(0b101, bitCount: 3)
  writer.write(0b1, bitCount: 1)
  #expect(writer.paddedBytes == [0b1011_0000])
}

@Test func bitReaderThrowsPastTheEnd() throws {
  var reader = BitReader([0xAB, 0xCD])
  #expect(try reader.read(bitCount: 9) == 0x157)
  #expect(throws: FormatError.outOfBits(requested: 8, remaining: 7)) { try reader.read(bitCount: 8) }
  #expect(try reader.read(bitCount: 7) == 0x4D)
  #expect(throws: FormatError.outOfBits(requested: 1, remaining: 0)) { try reader.read(bitCount: 1) }
  var empty = BitReader([])
  #expect(throws: FormatError.self) { try empty.read(bitCount: 32) }
}
