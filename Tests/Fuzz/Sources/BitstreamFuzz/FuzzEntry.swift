import Bitstream

/// libFuzzer calls this once per input: parsing and decoding must throw or succeed, never trap or hang.
/// Each input is tried as is and with its last four bytes replaced by the right CRC-32, so that mutations
/// reach the field checks and the payload decoders instead of stopping at the checksum.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let data else { return 0 }
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  parseAndDecode(bytes)
  if bytes.count >= 4 {
    let body = bytes.dropLast(4)
    let crc = crc32(body)
    parseAndDecode(Array(body) + [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: crc >> $0) })
  }
  return 0
}

/// A static stage is decoded with a fixed skewed prior, so the static coder's decoder is fuzzed too.
func parseAndDecode(_ bytes: [UInt8]) {
  guard let container = try? VQContainer.parse(bytes) else { return }
  let prior = (0..<container.codebookSize).map { UInt32(container.codebookSize - $0) }
  _ = try? container.decodeIndexGrids(priorCounts: Array(repeating: prior, count: container.stages.count))
  _ = try? container.decodeIndexGrids()
}

/// zlib's CRC-32 (reflected 0xEDB88320), bit by bit: Bitstream's own is internal, and inputs are small.
func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
  var crc: UInt32 = 0xFFFF_FFFF
  for byte in bytes {
    crc ^= UInt32(byte)
    for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
  }
  return ~crc
}

// SwiftPM links executables with `--defsym main=BitstreamFuzz_main` (so tests can rename the entry point),
// and -parse-as-library emits no such symbol. Defining it here and handing control to libFuzzer's own
// driver gives the same program that libFuzzer's `main` would.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("BitstreamFuzz_main")
public func fuzzMain(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
  var argc = argc
  var argv = argv
  return runFuzzerDriver(&argc, &argv, { fuzzOneInput($0, $1) })
}
