import ArgumentParser
import Codec
import Foundation
import Imaging

struct EncodeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "encode", abstract: "Compress a PNG or JPEG image into a .vq file.")

  @Argument(help: "The image to compress (PNG or JPEG).") var input: String
  @Argument(help: "Where to write the .vq file (written atomically).") var output: String
  @OptionGroup var modelOptions: ModelOptions
  @Option(help: "Residual stages to keep (1...S of the model; more stages, more bits, better quality). Default: all.")
  var stages: Int?
  @Flag(help: "Overwrite the output if it exists.") var force = false
  @Flag(name: .shortAndLong, help: "Print nothing on success.") var quiet = false
  @OptionGroup var threadOptions: ThreadOptions

  func validate() throws {
    if let stages, stages < 1 { throw ValidationError("--stages must be at least 1") }
  }

  func run() throws {
    try checkOutput(output, input: input, force: force)
    threadOptions.apply()
    let decoded = try ImageFile.read(path: input)
    if decoded.droppedAlpha { printNotice("\(input): alpha channel dropped (vqcodec codes RGB)") }
    let codec = try modelOptions.loadCodec()
    let start = Date()
    let bytes = try codec.encode(decoded.image, stages: stages, channels: decoded.droppedAlpha ? 4 : 3)
    try AtomicFile.write(bytes, to: output)
    if !quiet {
      let bpp = Double(8 * bytes.count) / Double(decoded.image.width * decoded.image.height)
      print(
        "\(output): \(bytes.count) bytes, \(String(format: "%.4f", bpp)) bpp, "
          + "\(String(format: "%.2f", Date().timeIntervalSince(start))) s, \(peakMemoryText())"
      )
    }
  }
}
