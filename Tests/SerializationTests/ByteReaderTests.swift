import Testing

@testable import Serialization

@Suite struct ByteReaderTests {
  @Test func readsWhatAppendLittleEndianWrote() throws {
    var bytes: [UInt8] = []
    bytes.appendLittleEndian(UInt8(0xAB))
    bytes.appendLittleEndian(UInt16(0x1234))
    bytes.appendLittleEndian(UInt32(0xDEAD_BEEF))
    bytes.appendLittleEndian(UInt64(0x0102_0304_0506_0708))
    bytes.appendLittleEndian([1.5, -0.0, .infinity, Float(bitPattern: 0x7FC0_0001)])
    #expect(bytes[1...2] == [0x34, 0x12])
    var reader = ByteReader(bytes)
    #expect(try reader.read(UInt8.self) == 0xAB)
    #expect(try reader.read(UInt16.self) == 0x1234)
    #expect(try reader.read(UInt32.self) == 0xDEAD_BEEF)
    #expect(try reader.read(UInt64.self) == 0x0102_0304_0506_0708)
    let floats = try reader.readFloats(4)
    #expect(
      floats.map(\.bitPattern) == [Float(1.5), -0.0, .infinity, Float(bitPattern: 0x7FC0_0001)].map(\.bitPattern))
    #expect(reader.remainingCount == 0 && reader.offset == bytes.count)
  }

  @Test func aReadPastTheEndThrowsWhereItStartedAndConsumesNothing() throws {
    var reader = ByteReader([1, 2, 3, 4, 5])
    _ = try reader.read(UInt16.self)
    #expect(throws: ByteReader.EndOfBytes(offset: 2, needed: 4)) { try reader.read(UInt32.self) }
    #expect(throws: ByteReader.EndOfBytes(offset: 2, needed: 8)) { try reader.readFloats(2) }
    #expect(throws: ByteReader.EndOfBytes(offset: 2, needed: -1)) { try reader.readBytes(-1) }
    #expect(try reader.readBytes(3) == [3, 4, 5])
  }

  @Test func offsetsCountFromTheSliceStart() throws {
    let bytes: [UInt8] = [9, 9, 9, 0x01, 0x02]
    var reader = ByteReader(bytes[3...])
    #expect(try reader.read(UInt16.self) == 0x0201)
    #expect(reader.offset == 2)
  }

  @Test func hugeFloatCountsAreRefusedBeforeAllocating() {
    var reader = ByteReader([0, 0, 0, 0])
    #expect(throws: ByteReader.EndOfBytes(offset: 0, needed: .max)) { try reader.readFloats(Int.max / 2) }
    #expect(throws: ByteReader.EndOfBytes(offset: 0, needed: -4)) { try reader.readFloats(-1) }
  }
}

@Test func crc32MatchesTheStandardCheckValue() {
  // The CRC-32 check value from the catalogue of parametrised CRCs: "123456789" → 0xCBF43926.
  #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
  #expect(CRC32.checksum([UInt8]()) == 0)
}
