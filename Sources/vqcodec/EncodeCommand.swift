import ArgumentParser
import Codec
import Foundation
import Imaging

struct EncodeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "encode", abstract: "Compress a PNG or JPEG image into a .vq file.")

  @Argument(help: "The image to compress (PNG or JPEG), - for standard input, or a folder of them.")
  var input: String
  @Argument(help: "Where to write the .vq file (atomically), - for standard output, or a folder for a folder.")
  var output: String
  @OptionGroup var modelOptions: ModelOptions
  @Option(help: "Residual stages to keep (1...S of the model; more stages, more bits, better quality). Default: all.")
  var stages: Int?
  @Flag(help: "Overwrite the output if it exists.") var force = false
  @Flag(help: "Print nothing on success.") var quiet = false
  @OptionGroup var threadOptions: ThreadOptions

  func validate() throws {
    if let stages, stages < 1 { throw ValidationError("--stages must be at least 1") }
  }

  func run() throws {
    threadOptions.apply()
    if isFolder(input) {
      let codec = try modelOptions.loadCodec()
      let folder = FolderCoding(
        input: input, output: output, direction: .encoding, force: force, quiet: quiet)
      try folder.run { source, target in
        let data = try readFile(source)
        let (bytes, pixels) = try encode(data, name: source, to: target, with: codec, notices: !quiet)
        return (data.count, bytes, pixels)
      }
      return
    }
    try checkOutputArgument(output, input: input, force: force)
    try checkExtension(output, writes: ".vq files", extensions: ["vq"])
    let data = try readInput(input)
    let codec = try modelOptions.loadCodec()
    let start = Date()
    let (count, pixels) = try encode(
      data, name: displayName(input), to: output, with: codec, notices: !quiet)
    if !quiet {
      let bpp = Double(8 * count) / Double(pixels)
      // With the file on standard output, the report goes to standard error.
      let line =
        "\(output == standardStream ? "standard output" : output): \(count) bytes, \(String(format: "%.4f", bpp)) bpp, "
        + "\(String(format: "%.2f", Date().timeIntervalSince(start))) s, \(peakMemoryText())"
      if output == standardStream { writeToStandardError(line + "\n") } else { print(line) }
    }
  }

  /// Encodes image bytes and writes the `.vq` file (`output` is an argument: `-` is standard output); returns its size
  /// and the image's pixel count.
  private func encode(
    _ data: [UInt8], name: String, to output: String, with codec: ImageCodec, notices: Bool
  ) throws -> (bytes: Int, pixels: Int) {
    let decoded = try ImageFile.decode(data: data, name: name)
    if notices { for change in decoded.changes { printNotice("\(name): \(change)") } }
    let bytes = try codec.encode(decoded.image, stages: stages, channels: decoded.droppedAlpha ? 4 : 3)
    let file = try openOutput(output)
    try file.write(bytes)
    try file.commit()
    return (bytes.count, decoded.image.width * decoded.image.height)
  }
}
