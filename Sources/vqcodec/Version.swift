import Codec
import DefaultModel

/// The release this source tree is: bumped with each change users can see (commands, formats, the shipped model).
let vqcodecVersion = "0.5.0"

/// `vqcodec --version`: the version and the built-in model's fingerprint, which every `.vq` file made with it names
/// (a file decodes only with the model it was made with).
func versionText() -> String {
  var text = "vqcodec \(vqcodecVersion)"
  if let bytes = try? DefaultModel.bytes(), let model = try? ModelFile.parse(bytes).model {
    let c = model.configuration
    text +=
      "\nbuilt-in model: \(hexString(ModelFile.fingerprint(of: bytes))) (f = \(c.downsampling), \(c.stages) stages "
      + "of K = \(c.codebookSize), \(model.estimator))"
  } else {
    text += "\nbuilt-in model: missing from this build"
  }
  return text
}
