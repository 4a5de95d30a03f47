// The getting-started article (Sources/VQCodec/VQCodec.docc) as a program, compiled and run in CI:
// `swift run VQCodecExample Samples/Images/parrots.png`.
import Foundation
import VQCodec

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
  FileHandle.standardError.write(Data("usage: VQCodecExample IMAGE.png|IMAGE.jpg\n".utf8))
  exit(64)
}
do {
  let codec = try VQCodec()
  let original = try VQCodec.readImage(at: arguments[1])
  let pixels = Double(original.width * original.height)
  for quality in stride(from: 0.0, through: 100, by: 20) {
    let file = try codec.encode(original, quality: quality)
    let result = VQCodec.measure(original: original, decoded: try codec.decode(file))
    print(
      String(
        format: "quality %3.0f: %5d bytes, %.4f bpp, %.2f dB", quality, file.count, 8 * Double(file.count) / pixels,
        result.psnr))
  }
  let fitted = try codec.encode(original, maximumBytes: 2_000)
  print(String(format: "at most 2000 bytes: quality %.2f, %d bytes", fitted.quality, fitted.file.count))
} catch {
  FileHandle.standardError.write(Data("error: \(error)\n".utf8))
  exit(1)
}
