import FuzzTargets
import Glibc

/// The parser under test, from `VQCODEC_FUZZ_TARGET` (vq, model, archive, checkpoint, png, jpeg); read once.
let target: FuzzTarget = {
  let name = getenv("VQCODEC_FUZZ_TARGET").map { String(cString: $0) } ?? ""
  guard let target = FuzzTarget(rawValue: name) else {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
    let message = Array("error: set VQCODEC_FUZZ_TARGET to one of \(names)\n".utf8)
    _ = write(STDERR_FILENO, message, message.count)
    exit(2)
  }
  return target
}()

/// libFuzzer calls this once per input: the target must throw or succeed, never trap or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let data else { return 0 }
  target.run(Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

// SwiftPM links executables with `--defsym main=ParserFuzz_main` (so tests can rename the entry point),
// and -parse-as-library emits no such symbol. Defining it here and handing control to libFuzzer's own
// driver gives the same program that libFuzzer's `main` would.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("ParserFuzz_main")
public func fuzzMain(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
  _ = target
  var argc = argc
  var argv = argv
  return runFuzzerDriver(&argc, &argv, { fuzzOneInput($0, $1) })
}
