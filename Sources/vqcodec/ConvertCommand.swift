import ArgumentParser
import Codec
import Imaging

struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract: "Convert a model between .vqm and .safetensors (PyTorch interop).",
    discussion: """
      The output's extension picks the format. Tensor names, shapes and layouts are in Docs/FORMAT.md §9.1; \
      Tests/PyTorch/vqcodec_torch.py loads the safetensors file into PyTorch. Converting back gives a model that \
      encodes to the same bytes.
      """)

  @Argument(help: "A .vqm or .safetensors model.") var input: String
  @Argument(help: "Where to write the converted model (.safetensors or .vqm, atomically).") var output: String
  @Flag(help: "Overwrite the output if it exists.") var force = false

  func run() throws {
    try checkOutput(output, input: input, force: force)
    try checkExtension(output, writes: "models", extensions: ["vqm", "safetensors"])
    let bytes = try readFile(input)
    let (model, notes): (VQModel, String)
    do {
      (model, notes) =
        bytes.starts(with: ModelFile.magic) ? try ModelFile.parse(bytes) : try SafetensorsFile.parse(bytes)
    } catch { throw CommandFailure("\(input): \(error)") }
    let converted =
      output.lowercased().hasSuffix(".vqm")
      ? ModelFile.serialize(model, notes: notes) : SafetensorsFile.serialize(model, notes: notes)
    try AtomicFile.write(converted, to: output)
  }
}
