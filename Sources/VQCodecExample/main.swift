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
  for stages in 1...codec.stageCount {
    let file = try codec.encode(original, stages: stages)
    let result = VQCodec.measure(original: original, decoded: try codec.decode(file))
    print(
      String(
        format: "%d stages: %5d bytes, %.4f bpp, %.2f dB", stages, file.count, 8 * Double(file.count) / pixels,
        result.psnr))
  }
} catch {
  FileHandle.standardError.write(Data("error: \(error)\n".utf8))
  exit(1)
}
