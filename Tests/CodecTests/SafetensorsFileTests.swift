import Codec
import Foundation
import Serialization
import Testing

/// The header of a safetensors file as JSON, and the bytes after it.
private func split(_ bytes: [UInt8]) throws -> (header: [String: Any], data: [UInt8]) {
  var reader = ByteReader(bytes)
  let length = Int(try reader.read(UInt64.self))
  let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<8 + length])) as? [String: Any])
  return (header, Array(bytes[(8 + length)...]))
}

/// The file rebuilt from an edited header and the same data (the header padded like `serialize` pads it).
private func joined(_ header: [String: Any], _ data: [UInt8]) throws -> [UInt8] {
  var json = [UInt8](try JSONSerialization.data(withJSONObject: header))
  while json.count % 8 != 0 { json.append(0x20) }
  var out: [UInt8] = []
  out.appendLittleEndian(UInt64(json.count))
  return out + json + data
}

/// `.vqm` → safetensors → `.vqm` gives the same bytes, for every estimator: the same model, encoding the same files.
@Test(arguments: Estimator.allCases)
func safetensorsRoundTripsToTheSameModelFile(estimator: Estimator) throws {
  let model = makeModel(seed: 3, estimator: estimator)
  let vqm = ModelFile.serialize(model, notes: "{\"note\": \"ünïcode\"}")
  let safetensors = SafetensorsFile.serialize(try ModelFile.parse(vqm).model, notes: "{\"note\": \"ünïcode\"}")
  let (back, notes) = try SafetensorsFile.parse(safetensors)
  #expect(ModelFile.serialize(back, notes: notes) == vqm)
  let (header, data) = try split(safetensors)
  let names = model.configuration.storedTensorShapes(estimator: estimator).map(\.name)
  #expect(Set(header.keys) == Set(names + ["__metadata__"] + (model.indexPrior.isEmpty ? [] : ["index_prior"])))
  let first = try #require(header[names[0]] as? [String: Any])
  #expect(
    first["dtype"] as? String == "F32"
      && first["data_offsets"] as? [Int] == [0, 4 * model.storedTensors[0].value.count])
  #expect(data.count % 4 == 0)
}

/// A GDN model through safetensors: `activation` in the metadata, its GDN tensors, the same `.vqm` back.
@Test func gdnModelRoundTripsThroughSafetensors() throws {
  var configuration = ModelConfiguration.presets["tiny"]!
  configuration.activation = .gdn
  let vqm = ModelFile.serialize(makeModel(configuration, seed: 6))
  let safetensors = SafetensorsFile.serialize(try ModelFile.parse(vqm).model, notes: "")
  let (back, _) = try SafetensorsFile.parse(safetensors)
  #expect(back.configuration.activation == .gdn)
  #expect(ModelFile.serialize(back) == vqm)
  let (header, _) = try split(safetensors)
  #expect((header["__metadata__"] as? [String: String])?["activation"] == "gdn")
  #expect(header["decoder.igdn0.gamma"] != nil)
}

@Test func everyTruncationOfASafetensorsFileThrows() throws {
  let bytes = SafetensorsFile.serialize(makeModel(seed: 4, estimator: .straightThrough), notes: "")
  for length in stride(from: 0, to: bytes.count, by: 7) {
    #expect(throws: CodecError.self, "cut at \(length)") { try SafetensorsFile.parse(Array(bytes.prefix(length))) }
  }
}

/// Headers that name the wrong shape, dtype, architecture or range, an unknown tensor, or a NaN: each refused.
@Test(arguments: ["shape", "dtype", "offsets", "unknown", "architecture", "format", "nan"])
func aDamagedSafetensorsHeaderIsRefused(_ damage: String) throws {
  let model = makeModel(seed: 5, estimator: .straightThrough)
  var (header, data) = try split(SafetensorsFile.serialize(model, notes: ""))
  let name = model.storedTensors[0].name
  var entry = try #require(header[name] as? [String: Any])
  var metadata = try #require(header["__metadata__"] as? [String: String])
  switch damage {
  case "shape": entry["shape"] = [1, 2, 3]
  case "dtype": entry["dtype"] = "F16"
  case "offsets": entry["data_offsets"] = [0, data.count + 4]
  case "unknown": header["extra.weight"] = entry
  case "architecture": metadata["width"] = "9999"
  case "format": metadata["format"] = "something else"
  default: data.replaceSubrange(0..<4, with: [0x00, 0x00, 0xC0, 0x7F])  // the first weight becomes NaN
  }
  header[name] = entry
  header["__metadata__"] = metadata
  #expect(throws: CodecError.self) { try SafetensorsFile.parse(try joined(header, data)) }
}
