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
  @Option(
    help: ArgumentHelp(
      "Quality, 0...100 (higher: more bits, a better picture). Default: 100.",
      discussion: "Each latent takes the code that costs least in distortion plus bits; 100·j/S codes j of the model's "
        + "S stages whole, and in between the next stage refines only where that pays, so the rate varies "
        + "continuously. With --stages, over that many stages."))
  var quality: Double?
  @Option(
    help: "Residual stages to use (1...S of the model). Alone: every latent's nearest code in each. Default: all.")
  var stages: Int?
  @Option(
    help: ArgumentHelp(
      "Largest file in bytes: the highest quality that fits (a note when even quality 0 is larger, or quality 100 "
        + "smaller)."))
  var size: Int?
  @Option(help: "Largest bits per pixel of the whole file: the highest quality that fits (as --size).")
  var bpp: Double?
  @Option(
    help: ArgumentHelp(
      "Refinement steps, \(ImageCodec.effortRange) (0, the default: none). Slower, a better picture at nearly "
        + "the same rate.",
      discussion: "Each step decodes the codes and moves the latents along the gradient of the error, so that their "
        + "codes fit this image better; about 0.23 s a step for a 768×512 image on 2 cores of an Intel Xeon. "
        + "15 gives most of the gain (Docs/BENCHMARKS.md). Images up to 2 megapixels."))
  var effort = 0
  @Flag(help: "Overwrite the output if it exists.") var force = false
  @Flag(help: "Print nothing on success.") var quiet = false
  @OptionGroup var threadOptions: ThreadOptions

  func validate() throws {
    if let stages, stages < 1 { throw ValidationError("--stages must be at least 1") }
    if let quality, !ImageCodec.qualityRange.contains(quality) {
      throw ValidationError("--quality must lie in 0...100")
    }
    if size != nil && bpp != nil { throw ValidationError("--size and --bpp both set the file's size: give one") }
    if (size != nil || bpp != nil) && (quality != nil || stages != nil) {
      throw ValidationError("--size and --bpp choose the quality themselves: leave out --quality and --stages")
    }
    if let size, size < 1 { throw ValidationError("--size must be a positive number of bytes") }
    if let bpp, !(bpp > 0 && bpp.isFinite) { throw ValidationError("--bpp must be a positive number") }
    if !ImageCodec.effortRange.contains(effort) {
      throw ValidationError("--effort must lie in \(ImageCodec.effortRange)")
    }
    if effort > 0 && quality == nil && stages != nil {
      throw ValidationError("--effort refines for --quality or --size: --stages alone writes the nearest codes")
    }
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
      printResult(
        for: output,
        "\(count) bytes, \(String(format: "%.4f", bpp)) bpp, "
          + "\(String(format: "%.2f", Date().timeIntervalSince(start))) s, \(peakMemoryText())")
    }
  }

  /// Encodes image bytes and writes the `.vq` file (`output` is an argument: `-` is standard output); returns its size
  /// and the image's pixel count.
  private func encode(
    _ data: [UInt8], name: String, to output: String, with codec: ImageCodec, notices: Bool
  ) throws -> (bytes: Int, pixels: Int) {
    let decoded = try ImageFile.decode(data: data, name: name)
    if notices { for change in decoded.changes { printNotice("\(name): \(change)") } }
    let bytes = try encode(
      decoded.image, name: name, with: codec, channels: decoded.droppedAlpha ? 4 : 3, notices: notices)
    let file = try openOutput(output)
    try file.write(bytes)
    try file.commit()
    return (bytes.count, decoded.image.width * decoded.image.height)
  }

  /// The file for `--quality` (100 by default) over `--stages`, the nearest codes of `--stages` alone, or the highest
  /// quality within `--size` or `--bpp` (a note when none fits).
  private func encode(
    _ image: RGBImage, name: String, with codec: ImageCodec, channels: Int, notices: Bool
  ) throws -> [UInt8] {
    let pixels = Double(image.width * image.height)
    guard let budget = size ?? bpp.map({ Int(($0 * pixels / 8).rounded(.down)) }) else {
      if quality == nil, let stages { return try codec.encode(image, stages: stages, channels: channels) }
      return try codec.encode(image, quality: quality ?? 100, stages: stages, channels: channels, effort: effort)
    }
    let (bytes, quality) = try codec.encode(image, fittingIn: budget, channels: channels, effort: effort)
    guard notices else { return bytes }
    let bpp = String(format: "%.4f", 8 * Double(bytes.count) / pixels)
    if bytes.count > budget {
      printNotice(
        "\(name): the smallest file, quality 0, is \(bytes.count) bytes (\(bpp) bpp), over the \(budget)-byte target")
    } else if quality == ImageCodec.qualityRange.upperBound && bytes.count < budget {
      let higher = shippedName(fingerprint: codec.fingerprint) == "default" ? "; --model high reaches higher rates" : ""
      printNotice(
        "\(name): the highest quality, 100, makes \(bytes.count) bytes (\(bpp) bpp), under the \(budget)-byte target"
          + higher)
    }
    return bytes
  }
}
