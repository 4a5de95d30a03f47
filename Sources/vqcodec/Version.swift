import Codec
import DefaultModel

/// The release this source tree is: bumped with each change users can see (commands, formats, the shipped model).
let vqcodecVersion = "0.6.0"

/// `vqcodec --version`: the version and each shipped model's fingerprint, which every `.vq` file made with it names
/// (a file decodes only with the model it was made with).
func versionText() -> String {
  var text = "vqcodec \(vqcodecVersion)"
  for name in DefaultModel.names {
    let label = name == "default" ? "built-in model" : "built-in model \(name)"
    if let bytes = try? DefaultModel.bytes(named: name), let model = try? ModelFile.parse(bytes).model {
      let c = model.configuration
      text +=
        "\n\(label): \(hexString(ModelFile.fingerprint(of: bytes))) (f = \(c.downsampling), \(c.stages) stages "
        + "of K = \(c.codebookSize), \(model.estimator))"
    } else {
      text += "\n\(label): missing from this build"
    }
  }
  return text
}
