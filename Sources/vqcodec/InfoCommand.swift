import ArgumentParser
import Bitstream
import Codec
import Report
import Serialization

struct InfoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info", abstract: "Describe a .vq file (header, rates) or a .vqm model.")

  @Argument(help: "A .vq file or a .vqm model.") var file: String
  @Flag(help: "Print JSON instead of text.") var json = false
  @Flag(
    help: "A .vq file: also print its decoded index grids (one array per stage, row-major), decoded with --model.")
  var indices = false
  @OptionGroup var modelOptions: ModelOptions

  func run() throws {
    let bytes = try readFile(file)
    var fields: [(String, JSONValue)]
    if bytes.starts(with: ModelFile.magic) {
      fields = try modelFields(bytes)
    } else {
      fields = try containerFields(bytes)
      if indices {
        let grids: [[Int32]]
        let model = modelOptions.modelArgument(decoding: bytes)
        do { grids = try loadModel(model).indexGrids(of: bytes).grids } catch let error as CodecError {
          throw CommandFailure("\(file): \(error)")
        }
        fields.append(("indices", .array(grids.map { .array($0.map { .integer(Int($0)) }) })))
      }
    }
    if json {
      print(JSONValue.object(fields).line)
    } else {
      for (key, value) in fields { print("\(key): \(Self.text(value))") }
    }
  }

  /// A field as the text output shows it: no quotes.
  static func text(_ value: JSONValue) -> String {
    if case .string(let s) = value { return s }
    return value.line.replacingOccurrences(of: "\"", with: "")
  }

  private func containerFields(_ bytes: [UInt8]) throws -> [(String, JSONValue)] {
    let c: VQContainer
    do { c = try VQContainer.parse(bytes) } catch { throw CommandFailure("\(file): \(error)") }
    let rates = try CodedRates(vqBytes: bytes)
    return [
      ("kind", .string("vq")), ("version", .integer(Int(c.version))), ("bytes", .integer(bytes.count)),
      ("width", .integer(c.imageWidth)),
      ("height", .integer(c.imageHeight)), ("channels", .integer(c.channels)),
      ("downsampling", .integer(c.downsamplingFactor)),
      ("latent_grid", .array([.integer(c.latentHeight), .integer(c.latentWidth)])),
      ("codebook_size", .integer(c.codebookSize)), ("stages", .integer(c.stages.count)),
      ("coders", .array(c.stages.map { .string("\($0.coder)") })),
      ("payload_bytes", .array(c.stages.map { .integer($0.bytes.count) })),
      ("bits_per_pixel", .number(rates.bitsPerPixel)),
      ("bits_per_latent_fixed", .number(rates.bitsPerLatentFixed, significantDigits: 5)),
      ("bits_per_latent_coded", .number(rates.bitsPerLatentCoded, significantDigits: 5)),
      ("model_fingerprint", .string(hexString(c.modelFingerprint))),
    ]
  }

  private func modelFields(_ bytes: [UInt8]) throws -> [(String, JSONValue)] {
    let (model, notes) = try ModelFile.parse(bytes)
    let c = model.configuration
    let parameterCount = model.storedTensors.reduce(0) { $0 + $1.value.count }
    return [
      ("kind", .string("vqm")), ("bytes", .integer(bytes.count)), ("estimator", .string("\(model.estimator)")),
      ("downsampling", .integer(c.downsampling)), ("width", .integer(c.width)),
      ("residual_blocks", .integer(c.residualBlocks)), ("latent_dimension", .integer(c.latentDimension)),
      ("activation", .string("\(c.activation)")),
      ("codebook_size", .integer(c.codebookSize)), ("stages", .integer(c.stages)),
      ("parameters", .integer(parameterCount)), ("has_prior", .bool(!model.indexPrior.isEmpty)),
      ("fingerprint", .string(hexString(ModelFile.fingerprint(of: bytes)))),
      // Notes are free text: only a well-formed JSON object is pasted in as it is.
      ("notes", notes.isEmpty ? .null : (JSONValue.isObject(notes) ? .verbatim(notes) : .string(notes))),
    ]
  }
}
