import Bitstream

/// libFuzzer calls this once per input: parsing and decoding must throw or succeed, never trap or hang.
/// A static stage is decoded with a fixed skewed prior, so the static coder's decoder is fuzzed too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let data else { return 0 }
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  guard let container = try? VQContainer.parse(bytes) else { return 0 }
  let prior = (0..<container.codebookSize).map { UInt32(container.codebookSize - $0) }
  _ = try? container.decodeIndexGrids(priorCounts: Array(repeating: prior, count: container.stages.count))
  _ = try? container.decodeIndexGrids()
  return 0
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
