import ArgumentParser
import Bitstream
import Codec
import Foundation
import Report

struct InfoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info", abstract: "Describe a .vq file (header, rates) or a .vqm model.")

  @Argument(help: "A .vq file or a .vqm model.") var file: String
  @Flag(help: "Print JSON instead of text.") var json = false

  func run() throws {
    let bytes = try readFile(file)
    let fields: [(String, String)]
    if bytes.starts(with: ModelFile.magic) {
      fields = try modelFields(bytes)
    } else {
      fields = try containerFields(bytes)
    }
    if json {
      print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
    } else {
      for (key, value) in fields { print("\(key): \(value.replacingOccurrences(of: "\"", with: ""))") }
    }
  }

  private func containerFields(_ bytes: [UInt8]) throws -> [(String, String)] {
    let c: VQContainer
    do { c = try VQContainer.parse(bytes) } catch { throw CommandFailure("\(file): \(error)") }
    let rates = try CodedRates(vqBytes: bytes)
    return [
      ("kind", "\"vq\""), ("bytes", "\(bytes.count)"), ("width", "\(c.imageWidth)"), ("height", "\(c.imageHeight)"),
      ("channels", "\(c.channels)"), ("downsampling", "\(c.downsamplingFactor)"),
      ("latent_grid", "[\(c.latentHeight), \(c.latentWidth)]"), ("codebook_size", "\(c.codebookSize)"),
      ("stages", "\(c.stages.count)"),
      ("coders", "[" + c.stages.map { "\"\($0.coder)\"" }.joined(separator: ", ") + "]"),
      ("payload_bytes", "[" + c.stages.map { "\($0.bytes.count)" }.joined(separator: ", ") + "]"),
      ("bits_per_pixel", String(format: "%.6f", rates.bitsPerPixel)),
      ("bits_per_latent_fixed", String(format: "%.4f", rates.bitsPerLatentFixed)),
      ("bits_per_latent_coded", String(format: "%.4f", rates.bitsPerLatentCoded)),
      ("model_fingerprint", "\"" + hexString(c.modelFingerprint) + "\""),
    ]
  }

  /// Notes are free text: only a well-formed JSON object is pasted into `--json` output as it is.
  static func isJSONObject(_ text: String) -> Bool {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) is [String: Any]
  }

  private func modelFields(_ bytes: [UInt8]) throws -> [(String, String)] {
    let (model, notes) = try ModelFile.parse(bytes)
    let c = model.configuration
    let parameterCount = model.storedTensors.reduce(0) { $0 + $1.value.count }
    return [
      ("kind", "\"vqm\""), ("bytes", "\(bytes.count)"), ("estimator", "\"\(model.estimator)\""),
      ("downsampling", "\(c.downsampling)"), ("width", "\(c.width)"), ("residual_blocks", "\(c.residualBlocks)"),
      ("latent_dimension", "\(c.latentDimension)"), ("codebook_size", "\(c.codebookSize)"), ("stages", "\(c.stages)"),
      ("parameters", "\(parameterCount)"), ("has_prior", model.indexPrior.isEmpty ? "false" : "true"),
      ("fingerprint", "\"" + hexString(ModelFile.fingerprint(of: bytes)) + "\""),
      ("notes", notes.isEmpty ? "null" : (Self.isJSONObject(notes) ? notes : jsonQuoted(notes))),
    ]
  }
}
