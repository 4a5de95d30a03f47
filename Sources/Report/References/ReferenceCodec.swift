import Foundation
import Imaging

/// A classic codec the report compares with: every image is coded at each of `settings` (in order of rising rate),
/// giving one rate-distortion curve per codec (means per setting, as `shared/tools/rd_baseline.py` computes them).
/// JPEG runs in process through libjpeg-turbo; WebP, AVIF and JPEG XL through their reference command-line tools,
/// which the report skips with a notice where they are not installed.
public struct ReferenceCodec: Sendable {
  public let name: String
  /// The name `report --references` takes.
  public let optionName: String
  /// How the codec is run, for the report's text: the command and what the setting is.
  public let description: String
  /// The codec's quality or distance values; whole numbers except JPEG XL's distances.
  public let settings: [Double]
  let implementation: Implementation

  enum Implementation: Sendable {
    case libjpeg
    case commandLine(CommandLineCodec)
  }

  /// libjpeg-turbo in process: baseline, 4:2:0, optimised Huffman (what `cjpeg -quality Q -optimize` writes).
  /// Qualities 1–3 reach below rd_baseline.py's lowest JPEG rate, where our lowest operating points are.
  public static let jpeg = ReferenceCodec(
    name: "JPEG", optionName: "jpeg",
    description: "libjpeg-turbo in process, 4:2:0, optimised Huffman; setting = quality",
    settings: [1, 2, 3, 5, 10, 15, 20, 30, 40, 50, 60, 75], implementation: .libjpeg)

  /// `cwebp -m 6 -q Q` (slowest, best method), decoded with `dwebp`.
  public static let webp = ReferenceCodec(
    name: "WebP", optionName: "webp", description: "cwebp -m 6 -q Q, dwebp; setting = Q",
    settings: [0, 5, 10, 20, 30, 40, 50, 60, 75],
    implementation: .commandLine(
      CommandLineCodec(
        encoder: "cwebp", decoder: "dwebp", package: "webp", fileExtension: "webp",
        encodeArguments: { q, _, input, output in ["-quiet", "-m", "6", "-q", q.settingText, input, "-o", output] },
        decodeArguments: { input, output in ["-quiet", input, "-o", output] })))

  /// `avifenc -s 4 --min Q --max Q` (rd_baseline.py's speed; lower Q is higher quality), decoded with `avifdec`.
  /// Its encoder is the slowest step of a report (about 2 s per 768×512 image and setting), so it gets the
  /// report's threads.
  public static let avif = ReferenceCodec(
    name: "AVIF", optionName: "avif",
    description: "avifenc -s 4 --min Q --max Q, avifdec; setting = Q (lower is better quality)",
    settings: [63, 56, 50, 44, 38, 32, 26],
    implementation: .commandLine(
      CommandLineCodec(
        encoder: "avifenc", decoder: "avifdec", package: "libavif-bin", fileExtension: "avif",
        encodeArguments: { q, threads, input, output in
          ["-s", "4", "-j", "\(threads)", "--min", q.settingText, "--max", q.settingText, input, output]
        },
        decodeArguments: { input, output in [input, output] })))

  /// `cjxl -d D` (Butteraugli distance; lower is better quality; 25 is its largest), decoded with `djxl`.
  public static let jxl = ReferenceCodec(
    name: "JPEG XL", optionName: "jxl", description: "cjxl -d D, djxl; setting = D (distance, lower is better quality)",
    settings: [25, 15, 10, 6, 4, 3, 2, 1.5],
    implementation: .commandLine(
      CommandLineCodec(
        encoder: "cjxl", decoder: "djxl", package: "libjxl-tools", fileExtension: "jxl",
        encodeArguments: { d, threads, input, output in
          ["--quiet", "-d", d.settingText, "--num_threads", "\(threads)", input, output]
        },
        decodeArguments: { input, output in ["--quiet", input, output] })))

  /// The codecs `report --references` can name.
  public static let all = [jpeg, webp, avif, jxl]

  /// Where a command-line codec keeps its files for one image: a folder in the temporary directory named with this
  /// prefix, the process's id included (so another vqcodec running at the same time is told apart), and a UUID.
  static func temporaryFolderPrefix(_ name: String) -> String { "vqcodec-reference-\(name)-\(getpid())-" }

  /// The executables this codec needs that are not on `PATH`, with the Debian package that has them; empty when
  /// it can run.
  public var missingTools: (tools: [String], package: String)? {
    guard case .commandLine(let codec) = implementation else { return nil }
    let missing = [codec.encoder, codec.decoder].filter { ExternalTool.find($0) == nil }
    return missing.isEmpty ? nil : (missing, codec.package)
  }

  /// Codes `image` at every setting. `threads` is passed to encoders that take a thread count.
  public func measure(_ image: ReportImage, threads: Int) throws -> [ReferenceMeasurement] {
    func measurement(setting: Double, byteCount: Int, decoded: RGBImage) throws -> ReferenceMeasurement {
      guard decoded.width == image.image.width, decoded.height == image.image.height else {
        throw ReferenceCodecError(
          "\(name) setting \(setting.settingText) decoded \(image.name) to \(decoded.width)×\(decoded.height), not "
            + "\(image.image.width)×\(image.image.height)")
      }
      return ReferenceMeasurement(
        imageName: image.name, codecName: name, setting: setting, byteCount: byteCount,
        bitsPerPixel: 8 * Double(byteCount) / Double(image.image.width * image.image.height),
        psnr: psnr(image.image, decoded), msSSIM: msSSIM(image.image, decoded))
    }
    switch implementation {
    case .libjpeg:
      return try settings.map { quality in
        let bytes = try image.image.jpegData(quality: Int(quality))
        return try measurement(
          setting: quality, byteCount: bytes.count, decoded: try ImageFile.decode(data: bytes, name: "JPEG").image)
      }
    case .commandLine(let codec):
      return try codec.withSource(image.image, folderPrefix: Self.temporaryFolderPrefix(name)) { run in
        try settings.map { setting in
          let (byteCount, decoded) = try run(setting, threads)
          return try measurement(setting: setting, byteCount: byteCount, decoded: decoded)
        }
      }
    }
  }
}

/// A reference codec that could not code an image: its tool failed or wrote something unexpected.
public struct ReferenceCodecError: Error, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}

extension Double {
  /// A setting as a tool takes it and a table shows it: `5`, not `5.0`; `1.5` as it is.
  var settingText: String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}
